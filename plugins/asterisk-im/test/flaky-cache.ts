/**
 * Test doubles for replicated writes that fail while Redis is unreachable. Test support only.
 */
import { EventEmitter } from 'eventemitter3';
import { RESYNC_ORIGIN, type ClusterCache, type TimerHandle } from '@asterisk-im/server-core';

/** The events of a `ClusterCache<V>`, as the cluster emits them. */
interface FlakyCacheEvents<V> {
  entry: (event: { key: string; value: V | undefined; previous: V | undefined; origin: string }) => void;
  cleared: (origin: string) => void;
}

/**
 * A replicated cache as the writing node sees it: a write shows locally at once, and while the
 * store is `down` it rejects without reaching the store, which is what every other node reads.
 */
export class FlakyCache<V> extends EventEmitter<FlakyCacheEvents<V>> implements ClusterCache<V> {
  /** What the other nodes would read. */
  readonly store = new Map<string, V>();
  private readonly local = new Map<string, V>();
  down = false;
  /** The next write stays on its way to the store until released (see `holdNext`). */
  private holding: Array<() => void> | null = null;

  /** `origin`: the node every write is reported from. */
  constructor(
    readonly name = 'cache',
    private readonly origin = 'senior',
  ) {
    super();
  }

  get(key: string): V | undefined {
    return this.local.get(key);
  }
  has(key: string): boolean {
    return this.local.has(key);
  }
  keys(): string[] {
    return [...this.local.keys()];
  }
  entries(): Array<[string, V]> {
    return [...this.local.entries()];
  }
  get size(): number {
    return this.local.size;
  }
  async set(key: string, value: V): Promise<void> {
    const previous = this.local.get(key);
    this.local.set(key, value);
    this.emit('entry', { key, value, previous, origin: this.origin });
    await this.write(() => this.store.set(key, value));
  }
  async delete(key: string): Promise<void> {
    const previous = this.local.get(key);
    this.local.delete(key);
    if (previous !== undefined) this.emit('entry', { key, value: undefined, previous, origin: this.origin });
    await this.write(() => this.store.delete(key));
  }
  async clear(): Promise<void> {
    this.local.clear();
    this.emit('cleared', this.origin);
    await this.write(() => this.store.clear());
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  /** One writer and no stream: every write has settled once it returned. */
  settled(): Promise<void> {
    return Promise.resolve();
  }
  /** Gone from this copy as when a reload found Redis emptied (a removal nobody made). */
  lose(key: string): void {
    const previous = this.local.get(key);
    this.local.delete(key);
    if (previous !== undefined) this.emit('entry', { key, value: undefined, previous, origin: RESYNC_ORIGIN });
  }
  /**
   * The next write reaches the store only when the returned function is called, as a write the
   * Redis client sent just before Redis went down, and sends again once it reconnects.
   */
  holdNext(): () => void {
    const held: Array<() => void> = [];
    this.holding = held;
    return () => {
      for (const land of held.splice(0)) land();
    };
  }
  private write(apply: () => unknown): Promise<void> {
    const held = this.holding;
    if (held) {
      this.holding = null;
      return new Promise((resolve) => held.push(() => resolve(void apply())));
    }
    if (this.down) throw new Error('Reached the max retries per request limit (which is 2)');
    apply();
    return Promise.resolve();
  }
}

/** Plugin timers on the real clock, cancelled by `cancelAll` (call it after each test). */
export function testTimers(): { setTimeout(callback: () => unknown, ms: number): TimerHandle; setInterval(callback: () => unknown, ms: number): TimerHandle; cancelAll(): void } {
  const live = new Set<NodeJS.Timeout>();
  const handle = (timer: NodeJS.Timeout, clear: (t: NodeJS.Timeout) => void): TimerHandle => {
    live.add(timer);
    return {
      cancel: () => {
        live.delete(timer);
        clear(timer);
      },
    };
  };
  return {
    setTimeout: (callback, ms) => {
      const timer: NodeJS.Timeout = setTimeout(() => {
        live.delete(timer);
        callback();
      }, ms);
      return handle(timer, clearTimeout);
    },
    setInterval: (callback, ms) => handle(setInterval(callback, ms), clearInterval),
    cancelAll: () => {
      for (const timer of live) clearTimeout(timer);
      live.clear();
    },
  };
}
