import { monotonicNow, type MonotonicClock } from '../monotonic-clock';
import type { CacheOptions } from '../types';
import type { CacheAck, CacheBackend, CacheChange, CacheWrite } from './cache-change';
import { FencedWriteError } from './fenced-write-error';

/** The in-process store never loses its data, so it has a single epoch. */
const LOCAL_EPOCH = 'local';

interface CacheLog {
  seq: number;
  /** Key -> time written, in write order (oldest first). */
  written: Map<string, number>;
}

/**
 * The single-node store: it orders writes, decides evictions and expiries exactly as the
 * Redis write script does, and hands each change back asynchronously (never re-entrantly).
 */
export class InMemoryCacheStore implements CacheBackend {
  private readonly logs = new Map<string, CacheLog>();

  constructor(
    private readonly nodeId: string,
    private readonly deliver: (cacheName: string, change: CacheChange) => void,
    /** The token of the current lease, as the Redis write script reads it from the lease key. */
    private readonly currentToken: () => number | null = () => null,
    private readonly now: MonotonicClock = monotonicNow,
  ) {}

  write(cacheName: string, options: CacheOptions, write: CacheWrite): Promise<CacheAck> {
    // The same check as the Redis write script: a fenced write lands only under the current lease.
    if (write.fence !== undefined && write.fence !== this.currentToken()) return Promise.reject(new FencedWriteError(cacheName, write.fence));
    const log = this.logFor(cacheName);
    const now = this.now();
    const removed = this.expire(log, options, now);
    if (write.op === 'set') {
      log.written.delete(write.key);
      log.written.set(write.key, now);
      removed.push(...this.evict(log, options));
    } else if (write.op === 'delete') {
      log.written.delete(write.key);
    } else {
      log.written.clear();
    }
    const change: CacheChange = {
      epoch: LOCAL_EPOCH,
      seq: ++log.seq,
      origin: this.nodeId,
      writeId: write.writeId,
      op: write.op,
      key: write.op === 'clear' ? undefined : write.key,
      value: write.op === 'set' ? write.value : undefined,
      removed,
    };
    return new Promise((resolve) => {
      queueMicrotask(() => {
        this.deliver(cacheName, change);
        resolve({ epoch: LOCAL_EPOCH, seq: change.seq });
      });
    });
  }

  requestResync(): void {
    // The local copy is the only copy: there is nothing to reload from.
  }

  private logFor(cacheName: string): CacheLog {
    let log = this.logs.get(cacheName);
    if (!log) this.logs.set(cacheName, (log = { seq: 0, written: new Map() }));
    return log;
  }

  private expire(log: CacheLog, options: CacheOptions, now: number): string[] {
    const expired: string[] = [];
    if (options.ttlMs === undefined) return expired;
    for (const [key, writtenAt] of log.written) {
      if (writtenAt + options.ttlMs > now) break;
      log.written.delete(key);
      expired.push(key);
    }
    return expired;
  }

  private evict(log: CacheLog, options: CacheOptions): string[] {
    const evicted: string[] = [];
    if (options.maxEntries === undefined) return evicted;
    for (const key of log.written.keys()) {
      if (log.written.size <= options.maxEntries) break;
      log.written.delete(key);
      evicted.push(key);
    }
    return evicted;
  }
}
