import type { CacheOptions, JsonValue } from '../types';

/**
 * A write as a node asks for it; `writeId` lets the writer recognise its own change in the ordered
 * stream. `fence`: the lease token of a senior-only cache's writer; the store refuses the write
 * unless that lease is still the current one.
 */
export type CacheWrite = (
  | { op: 'set'; key: string; value: JsonValue; writeId: number }
  | { op: 'delete'; key: string; writeId: number }
  | { op: 'clear'; writeId: number }
) & { fence?: number };

/**
 * One change in the cache's single cluster-wide order. `seq` increases by one per change.
 * `removed` lists entries the store evicted (maxEntries) or expired (ttlMs) while applying it.
 */
export interface CacheChange {
  /** The store's incarnation of this cache; a new one means the store lost what it held (see CacheSnapshot). */
  epoch: string;
  seq: number;
  origin: string;
  writeId: number;
  op: 'set' | 'delete' | 'clear';
  key?: string;
  value?: JsonValue;
  removed: string[];
}

/** The full content at one point of the order; `ageMs` tells how long ago each entry was written. */
export interface CacheSnapshot {
  /**
   * Identifies one incarnation of the cache in the store. Sequence numbers only compare within
   * one epoch: a store that lost its data (Redis restarted empty) starts a new epoch at seq 1.
   */
  epoch: string;
  seq: number;
  /** `origin` is the node that wrote the entry, when the store knows it. */
  entries: Array<{ key: string; value: JsonValue; ageMs: number; origin?: string }>;
}

/** Where a write landed in the store's order. */
export interface CacheAck {
  epoch: string;
  seq: number;
}

/**
 * Where a cache sends its writes. The backend must deliver every change, in order,
 * to the cache's `applyChange`, and resolve `write` with the change's place in the order.
 */
export interface CacheBackend {
  /** Rejects with `FencedWriteError` when `write.fence` is not the current lease's token. */
  write(cacheName: string, options: CacheOptions, write: CacheWrite): Promise<CacheAck>;
  /** The local copy may have missed changes: reload it from the store. */
  requestResync(cacheName: string): void;
}
