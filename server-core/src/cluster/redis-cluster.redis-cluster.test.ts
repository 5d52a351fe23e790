import type { RedisCluster } from './redis';
import { TestClusterWorld, sleep } from '../../testing/cluster-world';
import { PrivateRedisCluster } from '../../testing/redis/private-redis-cluster';
import { redisCommand } from '../../testing/redis/redis-process-group';
import { SeniorityMonitor } from '../../testing/redis/seniority-monitor';
import { eventually } from '../../testing/eventually';

jest.setTimeout(30000);

const seniors = (nodes: RedisCluster[]) => nodes.filter((n) => n.isSenior());

describe('RedisCluster on Redis Cluster', () => {
  let redis: PrivateRedisCluster;
  const worlds: TestClusterWorld[] = [];
  const monitors: SeniorityMonitor[] = [];
  beforeAll(async () => {
    redis = await PrivateRedisCluster.start(3);
  });
  afterEach(async () => {
    for (const m of monitors.splice(0)) m.stop();
    await Promise.all(worlds.splice(0).map((w) => w.stopAll()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  function world(): TestClusterWorld {
    const w = new TestClusterWorld(redis.connection);
    worlds.push(w);
    return w;
  }

  it('one senior at a time with growing fencing tokens; a stopped senior hands over at once', async () => {
    const w = world();
    const nodes = await w.startNodes('a', 'b', 'c');
    const monitor = new SeniorityMonitor(nodes);
    monitors.push(monitor);
    await eventually('one senior and three members', () => seniors(nodes).length === 1 && nodes.every((n) => n.members().length === 3));
    const first = seniors(nodes)[0];
    const firstToken = first.seniorToken() as number;
    expect(nodes.every((n) => n.seniorId() === first.nodeId)).toBe(true);
    // Every key of the namespace lives in the slot of its hash tag, on one master.
    const owner = await redis.portServing(`{${w.namespace}}`);
    const keys = (await redisCommand(owner, 'KEYS', `{${w.namespace}}:*`)) as string[];
    expect(keys.sort()).toEqual([`{${w.namespace}}:members`, `{${w.namespace}}:senior`, `{${w.namespace}}:senior:token`]);

    const stoppedAt = Date.now();
    await first.stop();
    const rest = nodes.filter((n) => n !== first);
    await eventually('another senior', () => seniors(rest).length === 1, 2000);
    expect(Date.now() - stoppedAt).toBeLessThan(500);
    expect(seniors(rest)[0].seniorToken()).toBeGreaterThan(firstToken);
    await eventually('two members', () => rest.every((n) => n.members().length === 2));
    await sleep(200);
    monitor.stop();
    expect(monitor.overlaps).toEqual([]);
    expect(monitor.nonIncreasingTokens()).toEqual([]);
    expect(monitor.tenures.map((t) => t.node)).toEqual([first.nodeId, seniors(rest)[0].nodeId]);
  });

  it('caches replicate through the multi-key scripts: writes, deletes, eviction, a late joiner and a cluster-wide clear', async () => {
    const w = world();
    const nodes = await w.startNodes('a', 'b', 'c');
    const caches = nodes.map((n) => n.createCache<{ state: string }>('device-state'));
    const limited = nodes.map((n) => n.createCache<number>('limited', { maxEntries: 2 }));
    await Promise.all([...caches, ...limited].map((c) => c.ready()));
    const events: string[] = [];
    caches[2].on('entry', (e) => events.push(`${e.origin}:${e.key}`));
    await caches[0].set('alice', { state: 'ringing' });
    await caches[1].set('bob', { state: 'oncall' });
    await eventually('replicated', () => caches.every((c) => c.size === 2 && c.get('alice')?.state === 'ringing'));
    expect(events.sort()).toEqual(['a:alice', 'b:bob']);
    await caches[2].delete('bob');
    await eventually('delete replicated', () => caches.every((c) => !c.has('bob')));

    await limited[0].set('one', 1);
    await limited[1].set('two', 2);
    await limited[2].set('three', 3);
    await eventually('eviction replicated', () => limited.every((c) => c.keys().sort().join() === 'three,two'));

    const late = w.node('d');
    const lateCache = late.createCache<{ state: string }>('device-state');
    await late.start();
    await lateCache.ready();
    expect(lateCache.entries()).toEqual([['alice', { state: 'ringing' }]]);

    const cleared = caches.map((c) => new Promise<string>((resolve) => c.once('cleared', resolve)));
    await lateCache.clear();
    expect(await Promise.all(cleared)).toEqual(['d', 'd', 'd']);
    expect([...caches, lateCache].every((c) => c.size === 0)).toBe(true);
  });

  it('tasks run on all nodes, one node and the senior; send() delivers in order between nodes', async () => {
    const w = world();
    const nodes = await w.startNodes('a', 'b', 'c');
    const [a, b] = nodes;
    for (const n of nodes) n.registerTask('whoami', (payload) => `${n.nodeId}:${payload as string}`);
    await eventually('members and senior', () => nodes.every((n) => n.members().length === 3 && n.seniorId() !== null));
    const all = await a.runOnAll('whoami', 'hi');
    expect(all.map((r) => (r.ok ? r.value : r.error)).sort()).toEqual(['a:hi', 'b:hi', 'c:hi']);
    expect(await a.runOnNode('c', 'whoami', 'x')).toBe('c:x');
    expect(await b.runOnSenior('whoami', 's')).toBe(`${a.seniorId()}:s`);
    await expect(a.runOnNode('b', 'missing', null)).rejects.toMatchObject({ kind: 'no-handler' });

    const got: string[] = [];
    b.onMessage('stanza', (payload, from) => got.push(`${from}:${payload}`));
    for (let i = 0; i < 200; i++) a.send('b', 'stanza', String(i));
    await eventually('all delivered', () => got.length === 200);
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `a:${i}`));
  });

  it('two namespaces, each in the slot of its own hash tag, form two independent clusters', async () => {
    const [one, two] = [world(), world()];
    const [a1, b1] = await one.startNodes('a', 'b');
    const [a2, b2] = await two.startNodes('a', 'b');
    const c1 = [a1, b1].map((n) => n.createCache<string>('presence'));
    const c2 = [a2, b2].map((n) => n.createCache<string>('presence'));
    await c1[0].set('alice', 'one');
    await c2[1].set('alice', 'two');
    await eventually('each namespace replicated', () => c1.every((c) => c.get('alice') === 'one') && c2.every((c) => c.get('alice') === 'two'));
    await eventually('a senior in each', () => seniors([a1, b1]).length === 1 && seniors([a2, b2]).length === 1);
    expect(await a1.runOnNode('b', 'missing', null).catch((e: { kind: string }) => e.kind)).toBe('no-handler');
    b2.registerTask('where', () => two.namespace);
    expect(await a2.runOnNode('b', 'where', null)).toBe(two.namespace);
  });
});
