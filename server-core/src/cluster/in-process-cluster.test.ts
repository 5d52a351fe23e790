import { FencedWriteError, InMemoryCacheStore } from './cache';
import { InProcessCluster } from './in-process-cluster';
import { ClusterTaskError } from './tasks';
import type { CacheEntryEvent, JsonValue } from './types';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InProcessCluster', () => {
  let cluster: InProcessCluster;
  beforeEach(() => {
    cluster = new InProcessCluster({ nodeId: 'solo' });
  });
  afterEach(() => cluster.stop());

  it('joins and becomes senior on start, gives both up on stop, in that order', async () => {
    const events: string[] = [];
    for (const name of ['joinedCluster', 'markedSenior', 'lostSeniority', 'leftCluster'] as const) cluster.on(name, () => events.push(name));
    expect(cluster.isSenior()).toBe(false);
    await cluster.start();
    expect(cluster.isSenior()).toBe(true);
    expect(cluster.seniorId()).toBe('solo');
    expect(cluster.seniorToken()).toBe(1);
    expect(cluster.members()).toEqual(['solo']);
    expect(cluster.clustered).toBe(false);
    await cluster.stop();
    expect(cluster.isSenior()).toBe(false);
    expect(events).toEqual(['joinedCluster', 'markedSenior', 'lostSeniority', 'leftCluster']);
  });

  it('cache reads see writes at once and entry events report changes with the origin', async () => {
    await cluster.start();
    const cache = cluster.createCache<{ n: number }>('phones');
    const seen: Array<CacheEntryEvent<{ n: number }>> = [];
    cache.on('entry', (e) => seen.push(e));
    const write = cache.set('alice', { n: 1 });
    expect(cache.get('alice')).toEqual({ n: 1 });
    await write;
    await cache.set('alice', { n: 2 });
    await cache.delete('alice');
    expect(cache.has('alice')).toBe(false);
    expect(seen).toEqual([
      { key: 'alice', value: { n: 1 }, previous: undefined, origin: 'solo' },
      { key: 'alice', value: { n: 2 }, previous: { n: 1 }, origin: 'solo' },
      { key: 'alice', value: undefined, previous: { n: 2 }, origin: 'solo' },
    ]);
    expect(cluster.createCache('phones')).toBe(cache);
  });

  it('evicts the oldest written entries beyond maxEntries', async () => {
    const cache = cluster.createCache<number>('limited', { maxEntries: 2 });
    const removed: string[] = [];
    cache.on('entry', (e) => e.value === undefined && removed.push(e.key));
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('a', 3);
    await cache.set('c', 4);
    expect(cache.keys().sort()).toEqual(['a', 'c']);
    expect(removed).toEqual(['b']);
    expect(cache.size).toBe(2);
  });

  it('expires entries after ttlMs with an entry event, and keeps others forever without ttl', async () => {
    const cache = cluster.createCache<string>('short', { ttlMs: 80 });
    const forever = cluster.createCache<string>('forever');
    const expired = new Promise<CacheEntryEvent<string>>((resolve) => cache.on('entry', (e) => e.value === undefined && resolve(e)));
    await cache.set('k', 'v');
    await forever.set('k', 'v');
    await sleep(40);
    expect(cache.get('k')).toBe('v');
    const event = await expired;
    expect(event).toEqual({ key: 'k', value: undefined, previous: 'v', origin: 'solo' });
    expect(cache.has('k')).toBe(false);
    expect(forever.get('k')).toBe('v');
  });

  it('clear() empties the cache and emits cleared', async () => {
    const cache = cluster.createCache<number>('c');
    await cache.set('a', 1);
    await cache.set('b', 2);
    const cleared = new Promise<string>((resolve) => cache.once('cleared', resolve));
    await cache.clear();
    expect(await cleared).toBe('solo');
    expect(cache.size).toBe(0);
  });

  it('runs tasks locally with results, errors and timeouts', async () => {
    await cluster.start();
    cluster.registerTask('double', (payload) => (payload as number) * 2);
    cluster.registerTask('boom', () => {
      throw new Error('bad');
    });
    const slow = cluster.registerTask('slow', () => sleep(200).then(() => 'late'));
    expect(await cluster.runOnAll('double', 21)).toEqual([{ nodeId: 'solo', ok: true, value: 42 }]);
    expect(await cluster.runOnNode('solo', 'double', 2)).toBe(4);
    expect(await cluster.runOnSenior('double', 5)).toBe(10);
    await expect(cluster.runOnSenior('boom', null)).rejects.toMatchObject({ kind: 'failed' });
    await expect(cluster.runOnNode('solo', 'missing', null)).rejects.toMatchObject({ kind: 'no-handler' });
    const timedOut = await cluster.runOnNode('solo', 'slow', null, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(ClusterTaskError);
    expect((timedOut as ClusterTaskError).kind).toBe('timeout');
    slow.dispose();
    const [result] = await cluster.runOnAll('slow', null);
    expect(result).toMatchObject({ nodeId: 'solo', ok: false });
  });

  it('send() loops back asynchronously, in order', async () => {
    await cluster.start();
    const got: Array<[string, string]> = [];
    const sub = cluster.onMessage('route', (payload, from) => got.push([payload, from]));
    cluster.send('solo', 'route', 'one');
    cluster.send('solo', 'route', 'two');
    expect(got).toEqual([]);
    await sleep(5);
    expect(got).toEqual([
      ['one', 'solo'],
      ['two', 'solo'],
    ]);
    sub.dispose();
    cluster.send('solo', 'route', 'three');
    await sleep(5);
    expect(got.length).toBe(2);
  });

  it('accepts only JSON-shaped values through the typed API', () => {
    const cache = cluster.createCache<JsonValue>('json');
    expect(() => cluster.createCache('bad', { maxEntries: 0 })).toThrow(/maxEntries/);
    expect(cache.name).toBe('json');
  });

  it("a senior-only cache takes the senior's writes and refuses a node that is not senior, before its copy changes", async () => {
    const cache = cluster.createCache<string>('senior-state', { writtenBy: 'senior' });
    await expect(cache.set('alice', 'early')).rejects.toBeInstanceOf(FencedWriteError);
    expect(cache.has('alice')).toBe(false);
    await cluster.start();
    await cache.set('alice', 'on the phone');
    expect(cache.get('alice')).toBe('on the phone');
    expect(() => cluster.createCache('bad-writer', { writtenBy: 'everyone' as 'any' })).toThrow(/writtenBy/);
  });

  it('the in-process store refuses a fenced write whose lease is no longer the current one, as the Redis script does', async () => {
    let current: number | null = 1;
    const delivered: string[] = [];
    const store = new InMemoryCacheStore('solo', (_name, change) => delivered.push(`${change.op} ${change.key}`), () => current);
    await store.write('state', {}, { op: 'set', key: 'alice', value: 'on the phone', writeId: 1, fence: 1 });
    current = 2;
    await expect(store.write('state', {}, { op: 'set', key: 'alice', value: 'available', writeId: 2, fence: 1 })).rejects.toBeInstanceOf(FencedWriteError);
    await store.write('state', {}, { op: 'delete', key: 'alice', writeId: 3, fence: 2 });
    // Unfenced writes are not checked.
    await store.write('other', {}, { op: 'set', key: 'bob', value: 1, writeId: 4 });
    expect(delivered).toEqual(['set alice', 'delete alice', 'set bob']);
  });
});
