import { LoginThrottle } from './login-throttle';

const WINDOW = 60_000;

describe('login throttle', () => {
  let throttle: LoginThrottle;
  beforeEach(() => {
    throttle = new LoginThrottle({ perAddress: 3, perAccount: 4, perAccountAndAddress: 2, windowMs: WINDOW, trustedForMs: 10 * WINDOW });
  });
  afterEach(() => throttle.dispose());

  test('an account block lifts once its failures are older than the window, and says when', () => {
    for (let i = 0; i < 4; i++) throttle.recordFailure(`10.0.0.${i}`, 'alice', 1000 + i);
    expect(throttle.check('10.0.1.1', 'alice', 2000)).toEqual({ allowed: false, reason: 'account', retryAfterMs: 1000 + WINDOW - 2000 });
    expect(throttle.check('10.0.1.1', 'alice', 1000 + WINDOW)).toEqual({ allowed: true });
    expect(throttle.check('10.0.1.1', 'bob', 2000)).toEqual({ allowed: true });
  });

  test('an address block covers every untrusted account and lifts with the window', () => {
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.0.0.1', undefined, 1000);
    expect(throttle.check('10.0.0.1', 'carol', 1500)).toMatchObject({ allowed: false, reason: 'address' });
    throttle.recordSuccess('10.0.0.1', 'dave', 0);
    expect(throttle.check('10.0.0.1', 'dave', 1500)).toEqual({ allowed: true });
    expect(throttle.check('10.0.0.1', 'carol', 1000 + WINDOW)).toEqual({ allowed: true });
  });

  test('trust expires, and the pair limit applies to trusted pairs', () => {
    throttle.recordSuccess('10.0.0.1', 'erin', 0);
    for (let i = 0; i < 4; i++) throttle.recordFailure(`10.0.2.${i}`, 'erin', 100);
    expect(throttle.check('10.0.0.1', 'erin', 200)).toEqual({ allowed: true });
    expect(throttle.check('10.0.0.1', 'erin', 10 * WINDOW + 50)).toEqual({ allowed: true });
    for (let i = 0; i < 4; i++) throttle.recordFailure(`10.0.2.${i}`, 'erin', 10 * WINDOW);
    expect(throttle.check('10.0.0.1', 'erin', 10 * WINDOW + 1)).toMatchObject({ allowed: false, reason: 'account' });
    throttle.recordSuccess('10.0.0.1', 'erin', 11 * WINDOW);
    throttle.recordFailure('10.0.0.1', 'erin', 11 * WINDOW);
    throttle.recordFailure('10.0.0.1', 'erin', 11 * WINDOW);
    expect(throttle.check('10.0.0.1', 'erin', 11 * WINDOW + 1)).toMatchObject({ allowed: false, reason: 'account-and-address' });
  });

  test('memory is bounded by maxTracked keys', () => {
    const small = new LoginThrottle({ perAddress: 1, perAccount: 1, perAccountAndAddress: 1, windowMs: WINDOW, trustedForMs: WINDOW, maxTracked: 10 });
    for (let i = 0; i < 1000; i++) small.recordFailure(`a${i}`, `u${i}`, 0);
    expect(small.check('a999', 'x', 1)).toMatchObject({ allowed: false });
    expect(small.check('a0', 'x', 1)).toEqual({ allowed: true });
    small.dispose();
  });
});
