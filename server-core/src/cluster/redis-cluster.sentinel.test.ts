import type { ReplicatedCache } from './cache';
import type { RedisCluster } from './redis';
import { TestClusterWorld, sleep, writeWhenReachable as retryUntilReachable } from '../../testing/cluster-world';

/** Writes fail while the nodes reconnect to the new master; a failover takes longer than a restart. */
const writeWhenReachable = (write: () => Promise<void>): Promise<void> => retryUntilReachable(write, 8000);
import { PrivateSentinel } from '../../testing/redis/private-sentinel';
import { SeniorityMonitor } from '../../testing/redis/seniority-monitor';
import { eventually } from '../../testing/eventually';

jest.setTimeout(40000);
/** Until `runOnAll` from `from` is answered by `count` nodes; the last answers are in the error. */
async function answeredByAll(from: RedisCluster, count: number, timeoutMs: number): Promise<void> {
  await eventually(
    `runOnAll answered by ${count} nodes`,
    async () => {
      const all = await from.runOnAll('whoami', 'after');
      const answered = all.filter((r) => r.ok).length;
      if (answered !== count) throw new Error(`answered by ${answered} of ${count}: ${JSON.stringify(all)}`);
      return true;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

const seniors = (nodes: RedisCluster[]) => nodes.filter((n) => n.isSenior());
const sorted = (cache: ReplicatedCache<string>) => JSON.stringify(cache.entries().sort(([a], [b]) => a.localeCompare(b)));


describe('RedisCluster through Redis Sentinel', () => {
  let sentinel: PrivateSentinel;
  let world: TestClusterWorld;
  let monitor: SeniorityMonitor | undefined;
  beforeEach(async () => {
    sentinel = await PrivateSentinel.start({ sentinels: 3 });
    world = new TestClusterWorld(sentinel.connection);
  });
  afterEach(async () => {
    monitor?.stop();
    monitor = undefined;
    await world.stopAll();
    await sentinel.stop();
  });

  /** Three nodes with one senior, a replicated cache holding two entries and a task on every node. */
  async function startThreeNodes() {
    const nodes = await world.startNodes('a', 'b', 'c');
    monitor = new SeniorityMonitor(nodes);
    const caches = nodes.map((n) => n.createCache<string>('presence'));
    for (const n of nodes) n.registerTask('whoami', (payload) => `${n.nodeId}:${payload as string}`);
    await eventually('one senior and three members', () => seniors(nodes).length === 1 && nodes.every((n) => n.members().length === 3));
    await caches[0].set('alice', 'away');
    await caches[2].set('carol', 'dnd');
    await eventually('replicated', () => caches.every((c) => c.get('alice') === 'away' && c.get('carol') === 'dnd'));
    const all = await nodes[1].runOnAll('whoami', 'hi');
    expect(all.map((r) => (r.ok ? r.value : r.error)).sort()).toEqual(['a:hi', 'b:hi', 'c:hi']);
    expect(await nodes[0].runOnSenior('whoami', 's')).toBe(`${seniors(nodes)[0].nodeId}:s`);
    return { nodes, caches };
  }

  /** After a failover: a senior again within the bound, a write seen everywhere, old content kept, tasks working. */
  async function expectRecovered(nodes: RedisCluster[], caches: Array<ReplicatedCache<string>>, seniorWithinMs: number) {
    const m = monitor as SeniorityMonitor;
    await eventually('a senior again', () => seniors(nodes).length === 1, seniorWithinMs);
    await writeWhenReachable(() => caches[1].set('bob', 'online'));
    const expected = JSON.stringify([['alice', 'away'], ['bob', 'online'], ['carol', 'dnd']]);
    await eventually('every node sees the write made after the failover', () => caches.every((c) => sorted(c) === expected), 5000);
    // A node started now knows only what the new master holds.
    const [fresh] = await world.startNodes('d');
    const freshCache = fresh.createCache<string>('presence');
    await freshCache.ready();
    expect(sorted(freshCache)).toBe(expected);
    await eventually('four members', () => [...nodes, fresh].every((n) => n.members().length === 4), 3000);
    // Membership goes through the command connection; a task reaches a node only once its
    // subscriber is back on the new master, which may take a reconnect round longer.
    await answeredByAll(fresh, 3, 10000); // d registered no handler
    await sleep(300);
    m.stop();
    expect(m.overlaps).toEqual([]);
    expect(m.nonIncreasingTokens()).toEqual([]);
    expect(m.samples).toBeGreaterThan(100);
  }

  it('one senior, replicated caches and tasks; after SENTINEL FAILOVER the nodes follow the new master by themselves', async () => {
    const { nodes, caches } = await startThreeNodes();
    const tokenBefore = seniors(nodes)[0].seniorToken() as number;
    await sentinel.waitForReplication();
    const oldMaster = await sentinel.masterPort();
    const newMaster = await sentinel.failover();
    expect(newMaster).not.toBe(oldMaster);
    await expectRecovered(nodes, caches, 12000);
    expect(seniors(nodes)[0].seniorToken()).toBeGreaterThanOrEqual(tokenBefore);
  });

  it('master killed: a senior again within the bound, never two at once, and the content the replica had is kept', async () => {
    const { nodes, caches } = await startThreeNodes();
    await sentinel.waitForReplication();
    const killedAt = Date.now();
    await sentinel.killMaster();
    await expectRecovered(nodes, caches, 8000);
    const recoveredAfterMs = (monitor as SeniorityMonitor).tenures.at(-1)!.firstSeenAt - killedAt;
    expect(recoveredAfterMs).toBeLessThan(8000);
  });
});
