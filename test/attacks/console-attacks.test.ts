/**
 * The admin console and API against a hostile browser or network: sign-in guessing is limited
 * per account and per address (without locking the owner out of a place they signed in from),
 * and a `Host` the server does not answer for (DNS rebinding) is refused.
 */
import { HonestClient, MAX_HONEST_SLOWDOWN, RawStream } from './attack-kit';
import { startAdminWorld, type AdminWorld } from './admin-kit';
import { consoleSignIn, formError } from './console-kit';

let world: AdminWorld;
let honest: HonestClient;

beforeAll(async () => {
  world = await startAdminWorld({ listeners: { admin: { allowedHosts: ['admin.example.test', 'proxy.example.test:8443'] } } });
  await world.server.server.context.stores.accounts.create('root', 'root-password', { isAdmin: true });
  await world.server.server.context.stores.accounts.create('ops', 'ops-password', { isAdmin: true });
  await world.server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(world.server, 'honest', 'secret-1');
});

afterAll(async () => {
  await honest?.stop();
  await world?.stop();
});

const wrongHost = (shown: string) => ({
  error: {
    code: 'wrong-host',
    message: `this admin listener does not answer for ${shown}; use the server's domain, localhost or 127.0.0.1, or add the name to listeners.admin.allowedHosts`,
  },
});

test('a Host the listener does not answer for is refused with 421, pages and API alike, token or not', async () => {
  for (const [method, path] of [
    ['GET', '/login'],
    ['GET', '/api/cluster'],
    ['GET', '/api/health'],
    ['GET', '/metrics'],
  ]) {
    const answer = await world.request(method, path, { headers: { host: `rebound.attacker.example:${world.port}` } });
    expect(answer.status).toBe(421);
    expect(answer.json).toEqual(wrongHost(`the host "rebound.attacker.example:${world.port}"`));
  }
  expect((await world.request('GET', '/api/cluster', { headers: { host: 'localhost:1' } })).status).toBe(421);
  expect((await world.request('GET', '/api/cluster', { headers: { host: 'proxy.example.test:9999' } })).status).toBe(421);
  for (const host of [`127.0.0.1:${world.port}`, `localhost:${world.port}`, `LOCALHOST:${world.port}`, 'localhost', 'admin.example.test:80', 'proxy.example.test:8443']) {
    expect({ host, status: (await world.request('GET', '/api/cluster', { headers: { host } })).status }).toEqual({ host, status: 200 });
  }
});

test('an HTTP/1.0 request with no Host header at all is refused', async () => {
  const raw = await RawStream.connect(world.port);
  await raw.write(`GET /api/cluster HTTP/1.0\r\nAuthorization: Bearer ${world.token}\r\n\r\n`);
  await raw.whenClosed();
  expect(raw.received).toMatch(/^HTTP\/1\.1 421 /);
  expect(JSON.parse(raw.received.slice(raw.received.indexOf('\r\n\r\n') + 4))).toEqual(wrongHost('no Host header'));
});

test('many addresses guessing one administrator are refused after 10 failures; the owner still signs in from where they did before', async () => {
  await honest.baseline();
  expect((await consoleSignIn(world.port, 'root', 'root-password', '127.0.8.1')).status).toBe(303);
  const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => consoleSignIn(world.port, 'root', `guess-${i}`, `127.0.9.${i + 1}`)));
  expect(guesses.map((g) => g.status)).toEqual(Array(10).fill(401));
  expect(formError(guesses[0].text)).toBeUndefined();

  const refused = await consoleSignIn(world.port, 'root', 'root-password', '127.0.10.1');
  expect(refused.status).toBe(429);
  expect(refused.sessionCookie).toBeUndefined();
  expect(formError(refused.text)).toMatch(/^Too many failed sign-ins for this account; try again in \d+ seconds\.$/);
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

  const owner = await consoleSignIn(world.port, 'root', 'root-password', '127.0.8.1');
  expect(owner.status).toBe(303);
  expect(owner.sessionCookie).toBeDefined();
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('an address guessing many accounts is refused after 20 failures, except for an administrator who signed in from it', async () => {
  const shared = '127.0.11.1';
  expect((await consoleSignIn(world.port, 'ops', 'ops-password', shared)).status).toBe(303);
  const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => consoleSignIn(world.port, `user-${i}`, 'guess', shared)));
  expect(guesses.map((g) => g.status)).toEqual(Array(20).fill(401));
  const refused = await consoleSignIn(world.port, 'nobody', 'whatever', shared);
  expect(refused.status).toBe(429);
  expect(formError(refused.text)).toMatch(/^Too many failed sign-ins from this address; try again in \d+ seconds\.$/);
  expect((await consoleSignIn(world.port, 'ops', 'ops-password', shared)).status).toBe(303);
});

test('failures of one account from one address are slowed, each twice as long as the one before', async () => {
  const from = '127.0.12.1';
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    expect((await consoleSignIn(world.port, 'ops', `guess-${i}`, from)).status).toBe(401);
    times.push(performance.now() - started);
  }
  // 300, 600, 1200 ms: each at least 1.5 times the one before, whatever the machine's speed.
  expect(times[1] / times[0]).toBeGreaterThan(1.5);
  expect(times[2] / times[1]).toBeGreaterThan(1.5);
});
