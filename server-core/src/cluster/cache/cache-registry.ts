import type { Logger } from '../../log';
import type { CacheOptions, JsonValue } from '../types';
import type { CacheBackend, CacheChange } from './cache-change';
import { ReplicatedCache } from './replicated-cache';

/** The caches of one node by name: `createCache` twice with one name returns the same cache. */
export class CacheRegistry {
  private readonly caches = new Map<string, ReplicatedCache<JsonValue>>();

  /** `seniorToken`: the fencing token of the lease this node holds, null when not senior. */
  constructor(
    readonly nodeId: string,
    private readonly logger: Logger,
    private readonly seniorToken: () => number | null,
  ) {}

  getOrCreate<V extends JsonValue>(name: string, options: CacheOptions, backend: CacheBackend, onCreated?: (cache: ReplicatedCache<V>) => void): ReplicatedCache<V> {
    validateCacheOptions(name, options);
    const existing = this.caches.get(name);
    if (existing) return existing as unknown as ReplicatedCache<V>;
    const cache = new ReplicatedCache<V>(name, { ...options }, this.nodeId, backend, this.logger.child({ cache: name }), this.seniorToken);
    this.caches.set(name, cache as unknown as ReplicatedCache<JsonValue>);
    onCreated?.(cache);
    return cache;
  }

  get(name: string): ReplicatedCache<JsonValue> | undefined {
    return this.caches.get(name);
  }

  all(): Array<ReplicatedCache<JsonValue>> {
    return [...this.caches.values()];
  }

  deliver(name: string, change: CacheChange): void {
    this.caches.get(name)?.applyChange(change);
  }

  disposeAll(): void {
    for (const cache of this.caches.values()) cache.dispose();
    this.caches.clear();
  }
}

function validateCacheOptions(name: string, options: CacheOptions): void {
  if (!name) throw new Error('cache name must not be empty');
  const { maxEntries, ttlMs } = options;
  if (maxEntries !== undefined && !(Number.isInteger(maxEntries) && maxEntries > 0)) {
    throw new Error(`cache '${name}': maxEntries must be a positive integer`);
  }
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) throw new Error(`cache '${name}': ttlMs must be a positive number`);
  if (options.restoredBy !== undefined && options.restoredBy !== 'any' && options.restoredBy !== 'writer') {
    throw new Error(`cache '${name}': restoredBy must be 'any' or 'writer'`);
  }
  if (options.writtenBy !== undefined && options.writtenBy !== 'any' && options.writtenBy !== 'senior') {
    throw new Error(`cache '${name}': writtenBy must be 'any' or 'senior'`);
  }
}
