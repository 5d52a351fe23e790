import type { CacheOptions, JsonValue } from '../types';

/** A write as a node asks for it; `writeId` lets the writer recognise its own change in the ordered stream. */
export type CacheWrite =
  | { op: 'set'; key: string; value: JsonValue; writeId: number }
  | { op: 'delete'; key: string; writeId: number }
  | { op: 'clear'; writeId: number };

/**
 * One change in the cache's single cluster-wide order. `seq` increases by one per change.
 * `removed` lists entries the store evicted (maxEntries) or expired (ttlMs) while applying it.
 */
export interface CacheChange {
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
  seq: number;
  /** `origin` is the node that wrote the entry, when the store knows it. */
  entries: Array<{ key: string; value: JsonValue; ageMs: number; origin?: string }>;
}

/**
 * Where a cache sends its writes. The backend must deliver every change, in order,
 * to the cache's `applyChange`, and resolve `write` with the change's sequence number.
 */
export interface CacheBackend {
  write(cacheName: string, options: CacheOptions, write: CacheWrite): Promise<number>;
  /** The local copy may have missed changes: reload it from the store. */
  requestResync(cacheName: string): void;
}
