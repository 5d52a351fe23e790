import { EventEmitter } from 'eventemitter3';
import type { Logger } from '../../log';
import { monotonicNow, type MonotonicClock } from '../monotonic-clock';
import type { CacheEvents, CacheOptions, ClusterCache, JsonValue } from '../types';
import type { CacheAck, CacheBackend, CacheChange, CacheSnapshot, CacheWrite } from './cache-change';
import { FencedWriteError } from './fenced-write-error';

/** Origin reported for differences a reload discovered when the store does not know the writer (removals). */
export const RESYNC_ORIGIN = 'resync';

interface LocalEntry<V> {
  value: V;
  /** Node that wrote the value, when known. */
  origin?: string;
  /** Monotonic time the value was written, as far as this node can tell (used to merge copies after a store loss). */
  writtenAt: number;
  /** Monotonic time the entry expires locally; undefined when the cache has no ttl. */
  expiresAt: number | undefined;
}

/** An own write not yet seen in the ordered stream. `key` null means a clear. */
interface PendingWrite {
  key: string | null;
  /** Place the store gave it, once `write` resolved. */
  ack?: CacheAck;
}

/**
 * The local copy of one cache and the bookkeeping both cluster implementations share:
 * own writes show at once, the store's ordered change stream is applied on top of them,
 * entry/cleared events fire for every visible change, and ttl expiry runs on a local timer.
 *
 * Why pending writes shadow foreign changes: the change stream arrives in store order, so a
 * foreign change that arrives while an own write to the same key is still unconfirmed was
 * ordered before that own write and is already superseded by it.
 */
export class ReplicatedCache<V extends JsonValue = JsonValue> extends EventEmitter<CacheEvents<V>> implements ClusterCache<V> {
  private readonly local = new Map<string, LocalEntry<V>>();
  private readonly pending = new Map<number, PendingWrite>();
  private nextWriteId = 1;
  private lastSeq = 0;
  /** Epoch of the store content this copy follows; null before the first snapshot or change. */
  private epoch: string | null = null;
  /** While a snapshot is loading, stream changes wait here. */
  private buffered: CacheChange[] | null = null;
  private expiryTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private loaded = false;
  private readonly loadWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  /** Callers of `settled`, each waiting for the own writes up to `upTo` to pass by. */
  private settleWaiters: Array<{ upTo: number; resolve: () => void }> = [];

  constructor(
    readonly name: string,
    readonly options: CacheOptions,
    private readonly nodeId: string,
    private readonly backend: CacheBackend,
    private readonly logger: Logger,
    /** The lease token a write of a senior-only cache carries (`writtenBy: 'senior'`). */
    private readonly seniorToken: () => number | null = () => null,
    private readonly now: MonotonicClock = monotonicNow,
  ) {
    super();
  }

  get(key: string): V | undefined {
    const entry = this.local.get(key);
    return entry && this.isLive(entry) ? entry.value : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keys(): string[] {
    return this.entries().map(([key]) => key);
  }

  entries(): Array<[string, V]> {
    const live: Array<[string, V]> = [];
    for (const [key, entry] of this.local) if (this.isLive(entry)) live.push([key, entry.value]);
    return live;
  }

  get size(): number {
    return this.entries().length;
  }

  async set(key: string, value: V): Promise<void> {
    const fence = this.fence();
    const writeId = this.beginWrite(key);
    this.put(key, value, this.nodeId, 0);
    await this.send({ op: 'set', key, value, writeId, ...fence });
  }

  async delete(key: string): Promise<void> {
    const fence = this.fence();
    const writeId = this.beginWrite(key);
    this.remove(key, this.nodeId);
    await this.send({ op: 'delete', key, writeId, ...fence });
  }

  async clear(): Promise<void> {
    const fence = this.fence();
    const writeId = this.beginWrite(null);
    this.removeAll(this.nodeId, () => false);
    await this.send({ op: 'clear', writeId, ...fence });
  }

  ready(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    if (this.disposed) return Promise.reject(new Error(`cache '${this.name}' is closed`));
    return new Promise((resolve, reject) => this.loadWaiters.push({ resolve, reject }));
  }

  settled(): Promise<void> {
    const upTo = this.nextWriteId - 1;
    if (this.disposed || !this.hasPendingUpTo(upTo)) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push({ upTo, resolve }));
  }

  private hasPendingUpTo(upTo: number): boolean {
    for (const writeId of this.pending.keys()) if (writeId <= upTo) return true;
    return false;
  }

  /** Wakes the `settled` callers whose writes have all passed by (or were dropped). */
  private wakeSettled(): void {
    if (this.settleWaiters.length === 0) return;
    const waiting: typeof this.settleWaiters = [];
    for (const waiter of this.settleWaiters) {
      if (this.disposed || !this.hasPendingUpTo(waiter.upTo)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.settleWaiters = waiting;
  }

  /** The store holds nothing this copy lacks (the in-process store, which is this copy's only source). */
  markLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const waiter of this.loadWaiters.splice(0)) waiter.resolve();
  }

  /** Called by the backend with every change of the store, in store order. */
  applyChange(change: CacheChange): void {
    if (this.disposed) return;
    if (this.buffered) {
      this.buffered.push(change);
      return;
    }
    // The in-process store never sends a snapshot: its first change fixes the epoch.
    if (this.epoch === null) this.epoch = change.epoch;
    if (change.epoch !== this.epoch) {
      this.logger.warn({ cache: this.name, epoch: this.epoch, got: change.epoch }, 'cache store changed epoch (it lost its data); resyncing');
      this.backend.requestResync(this.name);
      return;
    }
    if (change.seq <= this.lastSeq) return;
    if (change.seq !== this.lastSeq + 1) {
      this.logger.warn({ cache: this.name, expected: this.lastSeq + 1, got: change.seq }, 'cache change stream has a gap; resyncing');
      this.backend.requestResync(this.name);
      return;
    }
    this.lastSeq = change.seq;
    const own = change.origin === this.nodeId && this.pending.delete(change.writeId);
    // Removals first: an expired key may be the very key this change sets again.
    for (const key of change.removed) if (!this.isShadowed(key)) this.remove(key, change.origin);
    if (!own) this.applyForeign(change);
    this.settleAcknowledged();
    this.wakeSettled();
  }

  /** Called by the backend before it reads a snapshot; stream changes are held until `loadSnapshot`. */
  beginResync(): void {
    if (!this.buffered) this.buffered = [];
  }

  /** Replaces the local copy with the store's content, keeping own writes the snapshot cannot contain yet. */
  loadSnapshot(snapshot: CacheSnapshot): void {
    if (this.disposed) return;
    for (const [writeId, write] of this.pending) {
      if (write.ack && (write.ack.epoch !== snapshot.epoch || write.ack.seq <= snapshot.seq)) this.pending.delete(writeId);
    }
    const now = this.now();
    const next = new Map<string, LocalEntry<V>>();
    const oldestFirst = [...snapshot.entries].sort((a, b) => b.ageMs - a.ageMs);
    for (const { key, value, ageMs, origin } of oldestFirst) {
      if (this.isShadowed(key)) continue;
      next.set(key, { value: value as V, origin, writtenAt: now - ageMs, expiresAt: this.expiryFrom(now, ageMs) });
    }
    for (const [key, entry] of this.local) if (this.isShadowed(key)) next.set(key, entry);
    this.replaceWith(next);
    this.lastSeq = snapshot.seq;
    this.epoch = snapshot.epoch;
    const held = this.buffered ?? [];
    this.buffered = null;
    for (const change of held) this.applyChange(change);
    this.armExpiry();
    this.markLoaded();
    this.wakeSettled();
  }

  /** Epoch of the store content this copy follows; null before the first snapshot or change. */
  get loadedEpoch(): string | null {
    return this.epoch;
  }

  /** The local content with the age of each value, to put back into a store that lost it (see `restoredBy`). */
  contentWithAges(): Array<{ key: string; value: V; ageMs: number }> {
    const now = this.now();
    const writerOnly = this.options.restoredBy === 'writer';
    return [...this.local]
      .filter(([, entry]) => this.isLive(entry) && (!writerOnly || entry.origin === this.nodeId))
      .map(([key, entry]) => ({ key, value: entry.value, ageMs: Math.max(0, now - entry.writtenAt) }));
  }

  dispose(): void {
    this.disposed = true;
    this.wakeSettled();
    for (const waiter of this.loadWaiters.splice(0)) waiter.reject(new Error(`cache '${this.name}' is closed`));
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.removeAllListeners();
  }

  /**
   * The token a write of a senior-only cache carries, taken when the write is made (not when it
   * reaches the store, which may be after this node lost the lease). Not senior: refused before
   * the local copy changes.
   */
  private fence(): { fence?: number } {
    if (this.options.writtenBy !== 'senior') return {};
    if (this.disposed) throw new Error(`cache '${this.name}' is closed`);
    const token = this.seniorToken();
    if (token === null) throw new FencedWriteError(this.name, null);
    return { fence: token };
  }

  private beginWrite(key: string | null): number {
    if (this.disposed) throw new Error(`cache '${this.name}' is closed`);
    const writeId = this.nextWriteId++;
    this.pending.set(writeId, { key });
    return writeId;
  }

  private async send(write: CacheWrite): Promise<void> {
    let ack: CacheAck;
    try {
      ack = await this.backend.write(this.name, this.options, write);
    } catch (err) {
      // The local copy already shows a write the store never took: reload the store's truth.
      this.pending.delete(write.writeId);
      this.wakeSettled();
      this.backend.requestResync(this.name);
      throw err;
    }
    const pending = this.pending.get(write.writeId);
    if (!pending) return;
    if (!this.buffered && (ack.epoch !== this.epoch || ack.seq <= this.lastSeq)) {
      // A snapshot already covered this write without its change passing by, or the store started a
      // new epoch this copy has not loaded: our view of the key may be stale.
      this.pending.delete(write.writeId);
      this.wakeSettled();
      this.backend.requestResync(this.name);
      return;
    }
    pending.ack = ack;
  }

  private applyForeign(change: CacheChange): void {
    if (change.op === 'clear') {
      if (this.hasPendingClear()) return;
      this.removeAll(change.origin, (key) => this.isShadowed(key));
      return;
    }
    const key = change.key as string;
    if (this.isShadowed(key)) return;
    if (change.op === 'set') this.put(key, change.value as V, change.origin, 0);
    else this.remove(key, change.origin);
  }

  /** Acknowledged writes whose change a snapshot already covered will never pass by again. */
  private settleAcknowledged(): void {
    for (const [writeId, write] of this.pending) {
      if (write.ack && (write.ack.epoch !== this.epoch || write.ack.seq <= this.lastSeq)) this.pending.delete(writeId);
    }
  }

  private isShadowed(key: string): boolean {
    for (const write of this.pending.values()) if (write.key === null || write.key === key) return true;
    return false;
  }

  private hasPendingClear(): boolean {
    for (const write of this.pending.values()) if (write.key === null) return true;
    return false;
  }

  private put(key: string, value: V, origin: string, ageMs: number): void {
    const previous = this.get(key);
    // Re-inserting keeps the map in write order, which is also expiry order (one ttl per cache).
    this.local.delete(key);
    const now = this.now();
    this.local.set(key, { value, origin, writtenAt: now - ageMs, expiresAt: this.expiryFrom(now, ageMs) });
    this.armExpiry();
    this.emit('entry', { key, value, previous, origin });
  }

  private remove(key: string, origin: string): void {
    const previous = this.get(key);
    const existed = this.local.delete(key);
    if (!existed) return;
    this.armExpiry();
    if (previous !== undefined) this.emit('entry', { key, value: undefined, previous, origin });
  }

  private removeAll(origin: string, keep: (key: string) => boolean): void {
    for (const key of [...this.local.keys()]) if (!keep(key)) this.local.delete(key);
    this.armExpiry();
    this.emit('cleared', origin);
  }

  private replaceWith(next: Map<string, LocalEntry<V>>): void {
    const before = new Map(this.entries());
    this.local.clear();
    for (const [key, entry] of next) this.local.set(key, entry);
    for (const [key, previous] of before) {
      const value = this.get(key);
      if (value === undefined) this.emit('entry', { key, value: undefined, previous, origin: RESYNC_ORIGIN });
    }
    for (const [key, value] of this.entries()) {
      const previous = before.get(key);
      if (previous === undefined || JSON.stringify(previous) !== JSON.stringify(value)) {
        this.emit('entry', { key, value, previous, origin: this.local.get(key)?.origin ?? RESYNC_ORIGIN });
      }
    }
  }

  private expiryFrom(now: number, ageMs: number): number | undefined {
    return this.options.ttlMs === undefined ? undefined : now + this.options.ttlMs - ageMs;
  }

  private isLive(entry: LocalEntry<V>): boolean {
    return entry.expiresAt === undefined || entry.expiresAt > this.now();
  }

  private armExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.disposed || this.options.ttlMs === undefined) return;
    const head = this.local.values().next();
    if (head.done || head.value.expiresAt === undefined) return;
    this.expiryTimer = setTimeout(() => this.expireDue(), Math.max(0, head.value.expiresAt - this.now()) + 1);
    this.expiryTimer.unref();
  }

  /** Local expiry: every node drops an entry when its own clock says the ttl has passed. */
  private expireDue(): void {
    this.expiryTimer = undefined;
    const now = this.now();
    for (const [key, entry] of this.local) {
      if (entry.expiresAt === undefined || entry.expiresAt > now) break;
      this.local.delete(key);
      this.emit('entry', { key, value: undefined, previous: entry.value, origin: this.nodeId });
    }
    this.armExpiry();
  }
}
