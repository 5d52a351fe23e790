import { eventually } from './eventually';

describe('eventually', () => {
  it('resolves once the check passes, sync or async', async () => {
    let calls = 0;
    await eventually('the third call', () => ++calls >= 3);
    expect(calls).toBe(3);
    let asyncCalls = 0;
    await eventually('the second async call', async () => ++asyncCalls >= 2, { intervalMs: 1 });
    expect(asyncCalls).toBe(2);
  });

  it('fails naming what it waited for, with the last error of a throwing check', async () => {
    await expect(eventually('the sky to fall', () => false, 30)).rejects.toThrow('timed out after 30 ms waiting for: the sky to fall');
    await expect(
      eventually('a reachable server', () => {
        throw new Error('connection refused');
      }, { timeoutMs: 30 }),
    ).rejects.toThrow('waiting for: a reachable server (last check failed: connection refused)');
  });

  it('takes a throwing check for "not yet"', async () => {
    let calls = 0;
    await eventually('no more errors', () => {
      if (++calls < 3) throw new Error('not yet');
      return true;
    });
    expect(calls).toBe(3);
  });
});
