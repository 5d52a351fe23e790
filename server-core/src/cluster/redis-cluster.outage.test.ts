import type { ReplicatedCache } from './cache';
import { RedisCluster } from './redis';
import { TestClusterWorld, sleep, writeWhenReachable } from '../../testing/cluster-world';
import { PrivateRedisServer } from '../../testing/redis';
import { eventually } from '../../testing/eventually';

const seniors = (nodes: RedisCluster[]) => nodes.filter((n) => n.isSenior());
const sorted = (cache: ReplicatedCache<string>) => cache.entries().sort(([a], [b]) => a.localeCompare(b));


describe('RedisCluster across a Redis restart that loses every key', () => {
  let redis: PrivateRedisServer;
  let world: TestClusterWorld;
  beforeEach(async () => {
    redis = await PrivateRedisServer.start();
    world = new TestClusterWorld(redis.endpoint);
  });
  afterEach(async () => {
    await world.stopAll();
    await redis.stop();
  });

  /** A node started after the outage knows only what Redis holds: the proof the content is back in Redis. */
  async function freshNodeCache(id: string): Promise<ReplicatedCache<string>> {
    const [fresh] = await world.startNodes(id);
    return fresh.createCache<string>('presence');
  }

  it('comes back with a new senior, the old entries re-seeded from the nodes and the new writes kept', async () => {
    const nodes = await world.startNodes('a', 'b', 'c');
    const caches = nodes.map((n) => n.createCache<string>('presence'));
    await eventually('a senior', () => seniors(nodes).length === 1);
    const tokenBefore = seniors(nodes)[0].seniorToken() as number;
    await caches[0].set('alice', 'away');
    await caches[2].set('carol', 'dnd');
    await eventually('replicated', () => caches.every((c) => c.get('alice') === 'away' && c.get('carol') === 'dnd'));

    await redis.stop();
    await eventually('nobody senior during the outage', () => seniors(nodes).length === 0, 2000);
    await redis.restart();
    // Written as early as Redis takes it, so it races the nodes' re-seeding.
    await writeWhenReachable(() => caches[1].set('bob', 'online'));

    await eventually('a senior again', () => seniors(nodes).length === 1, 8000);
    expect(seniors(nodes)[0].seniorToken()).toBeGreaterThan(tokenBefore);
    const fresh = await freshNodeCache('d');
    const expected = [['alice', 'away'], ['bob', 'online'], ['carol', 'dnd']];
    await eventually('content back in redis', () => JSON.stringify(sorted(fresh)) === JSON.stringify(expected), 5000);
    await eventually('every node agrees', () => caches.every((c) => JSON.stringify(sorted(c)) === JSON.stringify(expected)), 3000);
    await caches[2].set('dave', 'xa');
    await eventually('writes replicate again', () => [...caches, fresh].every((c) => c.get('dave') === 'xa'), 3000);
    await eventually('members again', () => nodes.every((n) => n.members().length === 4), 3000);
  });

  it('merges differing copies deterministically: the most recent write of a key wins on every node', async () => {
    const nodes = await world.startNodes('a', 'b', 'c');
    const caches = nodes.map((n) => n.createCache<string>('presence'));
    await caches[1].set('alice', 'away');
    await eventually('replicated', () => caches.every((c) => c.get('alice') === 'away'));

    await redis.stop();
    await sleep(50);
    // Node a changes alice while Redis is down: the write fails, but a's copy now holds the newest value.
    await expect(caches[0].set('alice', 'dnd')).rejects.toThrow();
    expect(caches[0].get('alice')).toBe('dnd');
    expect(caches[1].get('alice')).toBe('away');
    await redis.restart();

    const fresh = await freshNodeCache('d');
    await eventually('the newest value restored in redis', () => fresh.get('alice') === 'dnd', 8000);
    await eventually('every node agrees', () => caches.every((c) => c.get('alice') === 'dnd' && c.size === 1), 3000);
  });

  it("restoredBy 'writer': a removal Redis lost is not undone by another node's copy, and each writer puts its own entries back", async () => {
    const nodes = await world.startNodes('a', 'b');
    const caches = nodes.map((n) => n.createCache<string>('device-state', { restoredBy: 'writer' }));
    await caches[0].set('alice', 'on-call');
    await caches[1].set('bob', 'on-call');
    await eventually('replicated', () => caches.every((c) => c.size === 2));

    await redis.stop();
    await sleep(50);
    // The writer ends alice's call while Redis is down: only its own copy knows.
    await expect(caches[0].delete('alice')).rejects.toThrow();
    expect(caches[1].get('alice')).toBe('on-call');
    await redis.restart();
    await eventually('a senior again', () => seniors(nodes).length === 1, 8000);

    const [fresh] = await world.startNodes('c');
    const freshCache = fresh!.createCache<string>('device-state', { restoredBy: 'writer' });
    await eventually("bob's entry put back by its writer", () => freshCache.get('bob') === 'on-call', 8000);
    await eventually('every node agrees', () => [...caches, freshCache].every((c) => JSON.stringify(c.entries()) === JSON.stringify([['bob', 'on-call']])), 3000);
  });
});
