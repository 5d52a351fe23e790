/**
 * Fenced cache writes (`writtenBy: 'senior'`): a senior cut off from Redis past its lease (a
 * pause, a stalled socket) may still have writes on their way. When they arrive after another
 * node took the lease and wrote, the store refuses them, so the new senior's state stays. And
 * within one lease, writes the client resends after a dropped connection keep their order.
 * Node a reaches Redis through a TCP relay that can hold what a sends, as a frozen process or
 * a stalled socket would; Redis, the nodes and their sockets are real.
 */
import { eventually } from '../../testing/eventually';
import { TestClusterWorld } from '../../testing/cluster-world';
import { TEST_REDIS } from '../../testing/redis/test-redis';
import { HoldingRelay } from '../../testing/redis/holding-relay';
import { FencedWriteError } from './cache';
import type { RedisCluster } from './redis';

let world: TestClusterWorld;
let relay: HoldingRelay;
beforeEach(async () => {
  world = new TestClusterWorld();
  relay = await HoldingRelay.start(TEST_REDIS);
});
afterEach(async () => {
  await world.stopAll();
  await relay.stop();
});

/** a (behind the relay) senior, b waiting; both with the cache `state` created with `options`. */
async function seniorBehindRelay(writtenBy: 'senior' | 'any') {
  const a = world.node('a', { redis: relay.endpoint });
  const stateA = a.createCache<string>('state', { writtenBy });
  await a.start();
  await eventually('a senior', () => a.isSenior());
  const b = world.node('b');
  const stateB = b.createCache<string>('state', { writtenBy });
  await b.start();
  await stateA.set('alice', 'on the phone');
  await eventually('b has the first write', () => stateB.get('alice') === 'on the phone');
  return { a, stateA, b, stateB };
}

/** Cuts a off, writes on a while cut off, and lets b take the lease and write its own value. */
async function staleWriteAfterHandover(a: RedisCluster, stateA: { set(k: string, v: string): Promise<void> }, b: RedisCluster, stateB: { set(k: string, v: string): Promise<void> }) {
  relay.hold();
  // Still senior by its own clock: the write carries a's token and waits in the relay.
  expect(a.isSenior()).toBe(true);
  const stale = stateA.set('alice', 'available');
  await eventually('b took the lease', () => b.isSenior(), 5000);
  await stateB.set('alice', 'still on the phone');
  relay.release();
  return stale.then(
    () => 'landed',
    (err: unknown) => err,
  );
}

test("a senior's write that reaches Redis after its lease ended is refused, and the new senior's value stays", async () => {
  const { a, stateA, b, stateB } = await seniorBehindRelay('senior');
  const outcome = await staleWriteAfterHandover(a, stateA, b, stateB);
  expect(outcome).toBeInstanceOf(FencedWriteError);
  // a's copy showed its own write at once; the refusal makes it reload what Redis holds.
  await eventually("a's copy back to the new senior's value", () => stateA.get('alice') === 'still on the phone');
  expect(stateB.get('alice')).toBe('still on the phone');
  // And a, no longer senior, cannot write at all: refused before its copy changes.
  await expect(stateA.set('alice', 'away')).rejects.toBeInstanceOf(FencedWriteError);
  expect(stateA.get('alice')).toBe('still on the phone');
});

test('without the fence the same stale write lands over the new senior (why senior-written caches are fenced)', async () => {
  const { a, stateA, b, stateB } = await seniorBehindRelay('any');
  expect(await staleWriteAfterHandover(a, stateA, b, stateB)).toBe('landed');
  await eventually("b's copy overtaken by the stale write", () => stateB.get('alice') === 'available');
});

test('writes resent after a dropped connection, within one lease, land in the order they were made', async () => {
  const { a, stateA, stateB } = await seniorBehindRelay('senior');
  for (let round = 0; round < 5; round++) {
    const acceptedBefore = relay.accepted;
    const writes: Array<Promise<boolean>> = [];
    for (let i = 0; i < 40; i++) {
      writes.push(stateA.set('alice', `round ${round} write ${i}`).then(() => true, () => false));
      // Mid-stream: some writes are in Redis, some on the wire, some not sent yet.
      if (i === 15) relay.cut();
      if (i % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const landed = await Promise.all(writes);
    // The client did reconnect mid-round (and resent what had no reply), still under the same lease.
    expect(relay.accepted).toBeGreaterThan(acceptedBefore);
    expect(a.isSenior()).toBe(true);
    const last = landed.lastIndexOf(true);
    expect(last).toBeGreaterThanOrEqual(0);
    await eventually(`b has the last write of round ${round}`, () => stateB.get('alice') === `round ${round} write ${last}`, 5000);
    expect(stateA.get('alice')).toBe(`round ${round} write ${last}`);
  }
});
