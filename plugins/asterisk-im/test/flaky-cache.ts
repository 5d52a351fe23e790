/**
 * Test doubles for writes that fail while Redis is unreachable. Test support only.
 */
import { EventEmitter } from 'eventemitter3';
import { RESYNC_ORIGIN } from '@asterisk-im/server-core/src/cluster';
import type { CacheEvents, ClusterCache, JsonValue } from '@asterisk-im/server-core/src/cluster/types';
import type { TimerHandle } from '@asterisk-im/server-core/src/plugins';

/**
 * A replicated cache as the writing node sees it: a write shows locally at once, and while the
 * store is down it rejects without reaching the store, which is what every other node reads.
 */
export class FlakyCache extends EventEmitter<CacheEvents<JsonValue>> implements ClusterCache<JsonValue> {
  /** `origin`: the node every write is reported from. */
  constructor(
    readonly name = 'cache',
    private readonly origin = 'senior',
  ) {
    super();
  }

  readonly store = new Map<string, JsonValue>();
  private readonly local = new Map<string, JsonValue>();
  down = false;
  get(key: string) {
    return this.local.get(key);
  }
  has(key: string) {
    return this.local.has(key);
  }
  keys() {
    return [...this.local.keys()];
  }
  entries() {
    return [...this.local.entries()];
  }
  get size() {
    return this.local.size;
  }
  async set(key: string, value: JsonValue) {
    const previous = this.local.get(key);
    this.local.set(key, value);
    this.emit('entry', { key, value, previous, origin: this.origin });
    this.write(() => this.store.set(key, value));
  }
  async delete(key: string) {
    const previous = this.local.get(key);
    this.local.delete(key);
    if (previous !== undefined) this.emit('entry', { key, value: undefined, previous, origin: this.origin });
    this.write(() => this.store.delete(key));
  }
  /** Gone from this copy as when a reload found Redis emptied (a removal nobody made). */
  lose(key: string) {
    const previous = this.local.get(key);
    this.local.delete(key);
    if (previous !== undefined) this.emit('entry', { key, value: undefined, previous, origin: RESYNC_ORIGIN });
  }
  async clear() {
    this.local.clear();
    this.write(() => this.store.clear());
  }
  ready() {
    return Promise.resolve();
  }
  private write(apply: () => unknown): void {
    if (this.down) throw new Error('Reached the max retries per request limit');
    apply();
  }
}

/** Plugin timers on the real clock. */
export function testTimers(): { setTimeout(callback: () => unknown, ms: number): TimerHandle; setInterval(callback: () => unknown, ms: number): TimerHandle } {
  return {
    setTimeout: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return { cancel: () => clearTimeout(timer) };
    },
    setInterval: (callback, ms) => {
      const timer = setInterval(callback, ms);
      return { cancel: () => clearInterval(timer) };
    },
  };
}
