import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log';
import { FencedWriteError, type CacheAck, type CacheBackend, type CacheChange, type CacheRegistry, type CacheSnapshot, type CacheWrite, type ReplicatedCache } from '../cache';
import type { CacheOptions, JsonValue } from '../types';
import type { ChannelSubscriber } from './channel-subscriber';
import type { RedisClient } from './connection';
import type { ClusterKeys } from './keys';
import { runScript } from './scripts';

/** The change as the write script publishes it (values travel as JSON text). */
interface PublishedChange {
  op: 'set' | 'delete' | 'clear' | 'resync';
  epoch: string;
  seq: number;
  origin: string;
  writeId: number;
  key?: string;
  value?: string;
  /** cjson encodes an empty list as an object. */
  removed: string[] | Record<string, never>;
}

/**
 * Replicates caches through Redis: one hash per cache, written only by a script that also
 * publishes the change with its epoch and sequence number. A cache (re)loads by subscribing
 * first, then reading a snapshot; changes that arrive meanwhile are held and replayed past it.
 *
 * Redis losing a cache (restart without persistence, failover to an empty replica) shows as a
 * new epoch. Every node that followed the old epoch then merges its local copy back into Redis
 * (see `aimCacheReseed` for the deterministic merge) before loading, so the cache survives as
 * long as one node keeps running.
 */
export class RedisCacheBackend implements CacheBackend {
  private readonly resyncing = new Set<string>();
  /** Reload requests that arrived while a reload of the same cache was running. */
  private readonly resyncAgain = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private started = false;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly subscriber: ChannelSubscriber,
    private readonly keys: ClusterKeys,
    private readonly registry: CacheRegistry,
    private readonly resyncRetryMs: number,
    private readonly logger: Logger,
  ) {}

  /** Wires a new cache: it holds changes until its first snapshot is loaded. */
  attach(cache: ReplicatedCache<JsonValue>): void {
    cache.beginResync();
    if (this.started) this.requestResync(cache.name);
  }

  /** Loads every cache; called on start and after every reconnect or rejoin. */
  async resyncAll(): Promise<void> {
    this.started = true;
    await Promise.all(this.registry.all().map((cache) => this.resync(cache.name)));
  }

  async write(cacheName: string, options: CacheOptions, write: CacheWrite): Promise<CacheAck> {
    const keys = this.cacheKeys(cacheName);
    const key = write.op === 'clear' ? '' : write.key;
    const value = write.op === 'set' ? JSON.stringify(write.value) : '';
    const origin = this.registry.nodeId;
    const args = [write.op, key, value, origin, write.writeId, options.maxEntries ?? 0, options.ttlMs ?? 0, this.keys.cacheChannel(cacheName), randomUUID(), write.fence ?? 0];
    const [seq, epoch] = (await runScript(this.client, 'aimCacheWrite', [...keys, this.keys.lease()], args)) as [number, string];
    // The script refuses a fenced write whose lease is over with seq 0 (a real change has seq >= 1).
    if (Number(seq) === 0) throw new FencedWriteError(cacheName, write.fence ?? null);
    return { seq: Number(seq), epoch };
  }

  requestResync(cacheName: string): void {
    if (this.started) void this.resync(cacheName);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  private async resync(cacheName: string): Promise<void> {
    const cache = this.registry.get(cacheName);
    if (!cache || this.closed) return;
    if (this.resyncing.has(cacheName)) {
      this.resyncAgain.add(cacheName);
      return;
    }
    this.resyncing.add(cacheName);
    cache.beginResync();
    try {
      await this.subscriber.subscribe(this.keys.cacheChannel(cacheName), (message) => this.onPublished(cacheName, message));
      let snapshot = await this.loadSnapshot(cacheName, cache.options);
      const followed = cache.loadedEpoch;
      if (followed !== null && snapshot.epoch !== followed && (await this.reseed(cache, followed, snapshot.epoch))) {
        snapshot = await this.loadSnapshot(cacheName, cache.options);
      }
      cache.loadSnapshot(snapshot);
    } catch (err) {
      this.logger.warn({ cache: cacheName, err: (err as Error).message }, 'cache reload failed; retrying');
      this.scheduleRetry(cacheName);
    } finally {
      this.resyncing.delete(cacheName);
    }
    if (this.resyncAgain.delete(cacheName)) await this.resync(cacheName);
  }

  private async loadSnapshot(cacheName: string, options: CacheOptions): Promise<CacheSnapshot> {
    const [seq, now, epoch, flat] = (await runScript(this.client, 'aimCacheLoad', this.cacheKeys(cacheName), [randomUUID()])) as [number, number, string, string[]];
    const entries: CacheSnapshot['entries'] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const stored = JSON.parse(flat[i + 1]) as { t: number; o: string; v: JsonValue };
      const ageMs = Math.max(0, Number(now) - stored.t);
      if (options.ttlMs !== undefined && ageMs >= options.ttlMs) continue;
      entries.push({ key: flat[i], value: stored.v, ageMs, origin: stored.o });
    }
    return { epoch, seq: Number(seq), entries };
  }

  /** Redis lost the cache this node followed: merge this node's copy back into the new epoch. */
  private async reseed(cache: ReplicatedCache<JsonValue>, lostEpoch: string, newEpoch: string): Promise<boolean> {
    const content = cache.contentWithAges();
    if (content.length === 0) return false;
    const args: Array<string | number> = [this.keys.cacheChannel(cache.name), this.registry.nodeId, randomUUID(), cache.options.maxEntries ?? 0];
    for (const { key, value, ageMs } of content) args.push(key, JSON.stringify(value), Math.round(ageMs));
    const [changed] = (await runScript(this.client, 'aimCacheReseed', this.cacheKeys(cache.name), args)) as [number, string];
    this.logger.warn({ cache: cache.name, entries: content.length, lostEpoch, newEpoch, changed: changed === 1 }, 'redis lost the cache; merged this node\'s copy back');
    return true;
  }

  private onPublished(cacheName: string, message: string): void {
    const published = JSON.parse(message) as PublishedChange;
    if (published.op === 'resync') return this.requestResync(cacheName);
    const change: CacheChange = {
      epoch: published.epoch,
      seq: published.seq,
      origin: published.origin,
      writeId: published.writeId,
      op: published.op,
      key: published.key,
      value: published.value === undefined ? undefined : (JSON.parse(published.value) as JsonValue),
      removed: Array.isArray(published.removed) ? published.removed : [],
    };
    this.registry.deliver(cacheName, change);
  }

  private scheduleRetry(cacheName: string): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.resync(cacheName);
    }, this.resyncRetryMs);
    this.retryTimers.add(timer);
  }

  private cacheKeys(cacheName: string): string[] {
    return [this.keys.cacheHash(cacheName), this.keys.cacheOrder(cacheName), this.keys.cacheSeq(cacheName), this.keys.cacheEpoch(cacheName)];
  }
}
