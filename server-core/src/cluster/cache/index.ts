/** Replicated caches: the shared local copy with its events and limits, and the single-node store. */
export { ReplicatedCache, RESYNC_ORIGIN } from './replicated-cache';
export { CacheRegistry } from './cache-registry';
export { InMemoryCacheStore } from './in-memory-cache-store';
export { FencedWriteError } from './fenced-write-error';
export type { CacheAck, CacheBackend, CacheChange, CacheSnapshot, CacheWrite } from './cache-change';
