import { TestClusterWorld, sleep } from '../../testing/cluster-world';
import type { CacheEntryEvent } from './types';
import { eventually } from '../../testing/eventually';

describe('RedisCluster caches, tasks and messages', () => {
  let world: TestClusterWorld;
  beforeEach(() => {
    world = new TestClusterWorld();
  });
  afterEach(() => world.stopAll());

  it('a write on A is read on B and C with entry events everywhere; a late joiner gets everything; clear is cluster-wide', async () => {
    const nodes = await world.startNodes('a', 'b', 'c');
    const [a, b, c] = nodes;
    const caches = nodes.map((n) => n.createCache<{ state: string }>('device-state'));
    const events = caches.map(() => [] as Array<CacheEntryEvent<{ state: string }>>);
    caches.forEach((cache, i) => cache.on('entry', (e) => events[i].push(e)));
    await caches[0].set('alice', { state: 'ringing' });
    await caches[1].set('bob', { state: 'oncall' });
    await eventually('replicated', () => caches.every((cache) => cache.size === 2));
    for (const cache of caches) expect(cache.get('alice')).toEqual({ state: 'ringing' });
    for (const list of events) expect(list.find((e) => e.key === 'alice')).toMatchObject({ value: { state: 'ringing' }, origin: 'a' });
    await caches[2].delete('bob');
    await eventually('delete replicated', () => caches.every((cache) => !cache.has('bob')));

    const d = world.node('d');
    const lateCache = d.createCache<{ state: string }>('device-state');
    await d.start();
    expect(lateCache.entries()).toEqual([['alice', { state: 'ringing' }]]);

    const cleared = caches.map((cache) => new Promise<string>((resolve) => cache.once('cleared', resolve)));
    await lateCache.clear();
    expect(await Promise.all(cleared)).toEqual(['d', 'd', 'd']);
    for (const cache of [...caches, lateCache]) expect(cache.size).toBe(0);
    expect([a, b, c].every((n) => n.members().includes('d'))).toBe(true);
  });

  it('concurrent writes to one key converge to the same value on every node', async () => {
    const nodes = await world.startNodes('a', 'b', 'c');
    const caches = nodes.map((n) => n.createCache<number>('race'));
    await sleep(50);
    await Promise.all(caches.flatMap((cache, i) => [1, 2, 3, 4, 5].map((k) => cache.set('k', i * 10 + k))));
    await eventually('converged', () => new Set(caches.map((cache) => cache.get('k'))).size === 1);
    await sleep(100);
    expect(new Set(caches.map((cache) => cache.get('k'))).size).toBe(1);
  });

  it('maxEntries evicts the oldest writes and ttlMs expires entries on every node', async () => {
    const [a, b] = await world.startNodes('a', 'b');
    const limitedA = a.createCache<number>('limited', { maxEntries: 2 });
    const limitedB = b.createCache<number>('limited', { maxEntries: 2 });
    const shortA = a.createCache<number>('short', { ttlMs: 150 });
    const shortB = b.createCache<number>('short', { ttlMs: 150 });
    await sleep(50);
    await limitedA.set('one', 1);
    await limitedB.set('two', 2);
    await limitedA.set('three', 3);
    await eventually('eviction replicated', () => limitedA.size === 2 && limitedB.size === 2 && !limitedB.has('one') && !limitedA.has('one'));
    expect(limitedB.keys().sort()).toEqual(['three', 'two']);
    await shortA.set('x', 1);
    await eventually('x on b', () => shortB.has('x'));
    await eventually('x expired everywhere', () => !shortA.has('x') && !shortB.has('x'), 1000);
    const c = world.node('c');
    const shortC = c.createCache<number>('short', { ttlMs: 150 });
    await c.start();
    expect(shortC.has('x')).toBe(false);
  });

  it('runs tasks on all nodes, one node and the senior, with clear errors', async () => {
    const nodes = await world.startNodes('a', 'b', 'c');
    const [a, b] = nodes;
    for (const n of nodes) n.registerTask('whoami', (payload) => `${n.nodeId}:${payload as string}`);
    b.registerTask('slow', () => sleep(500).then(() => 'late'));
    await eventually('members and senior', () => nodes.every((n) => n.members().length === 3 && n.seniorId() !== null));
    const all = await a.runOnAll('whoami', 'hi');
    expect(all.sort((x, y) => x.nodeId.localeCompare(y.nodeId))).toEqual([
      { nodeId: 'a', ok: true, value: 'a:hi' },
      { nodeId: 'b', ok: true, value: 'b:hi' },
      { nodeId: 'c', ok: true, value: 'c:hi' },
    ]);
    expect(await a.runOnNode('c', 'whoami', 'x')).toBe('c:x');
    const senior = a.seniorId() as string;
    expect(await b.runOnSenior('whoami', 's')).toBe(`${senior}:s`);
    await expect(a.runOnNode('b', 'missing', null)).rejects.toMatchObject({ kind: 'no-handler' });
    await expect(a.runOnNode('b', 'slow', null, { timeoutMs: 100 })).rejects.toMatchObject({ kind: 'timeout' });
    const partial = await a.runOnAll('slow', null, { timeoutMs: 100 });
    expect(partial.filter((r) => r.ok)).toEqual([]);
    expect(partial.find((r) => r.nodeId === 'b')).toMatchObject({ ok: false, error: expect.stringContaining('timeout') });
  });

  it('send() delivers messages to another node in send order', async () => {
    const [a, b] = await world.startNodes('a', 'b');
    const got: string[] = [];
    b.onMessage('stanza', (payload, from) => got.push(`${from}:${payload}`));
    for (let i = 0; i < 50; i++) a.send('b', 'stanza', String(i));
    await eventually('all delivered', () => got.length === 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `a:${i}`));
  });
});
