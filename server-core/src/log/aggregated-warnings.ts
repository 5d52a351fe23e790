import type { Logger } from './logger';

export interface AggregatedWarningsOptions {
  /** How long repeats of one kind are counted before one line reports them. */
  intervalMs?: number;
  /** Distinct kinds tracked at once; further kinds are counted under `other`. */
  maxKinds?: number;
}

export const AGGREGATED_WARNING_DEFAULTS = { intervalMs: 60_000, maxKinds: 100 } as const;

interface Pending {
  message: string;
  repeats: number;
  last: Record<string, unknown>;
}

/**
 * Warnings about bad input that an attacker (or a broken peer) can repeat at will: the first
 * of each kind is logged at once, repeats within the interval are only counted, and at the end
 * of the interval one line per kind gives the count and the last details. So a flood of bad
 * input costs at most one line per kind per interval, and nothing is hidden.
 */
export class AggregatedWarnings {
  private readonly pending = new Map<string, Pending>();
  private readonly intervalMs: number;
  private readonly maxKinds: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    options: AggregatedWarningsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? AGGREGATED_WARNING_DEFAULTS.intervalMs;
    this.maxKinds = options.maxKinds ?? AGGREGATED_WARNING_DEFAULTS.maxKinds;
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  warn(kind: string, details: Record<string, unknown>, message: string): void {
    const key = this.pending.has(kind) || this.pending.size < this.maxKinds ? kind : 'other';
    const seen = this.pending.get(key);
    if (seen) {
      seen.repeats++;
      seen.last = details;
      return;
    }
    this.pending.set(key, { message, repeats: 0, last: details });
    this.logger.warn({ ...details, kind: key }, message);
  }

  /** Reports the repeats counted so far and starts a new interval. */
  flush(): void {
    for (const [kind, { message, repeats, last }] of this.pending) {
      if (repeats > 0) this.logger.warn({ ...last, kind, repeats, intervalMs: this.intervalMs }, `${message} (repeated ${repeats} more times)`);
    }
    this.pending.clear();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
