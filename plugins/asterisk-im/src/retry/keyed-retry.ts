import type { TimerHandle } from '@asterisk-im/server-core';

export interface RetryTimers {
  setTimeout(callback: () => unknown, ms: number): TimerHandle;
}

/**
 * Remembers the keys (users) whose last replicated write failed and runs `attempt` for each
 * again after `delayMs`, until the caller stops reporting failures. A write that failed
 * while Redis was unreachable is otherwise never repeated, and what it should have
 * changed stays wrong on the other nodes until the next change of the same key.
 * Each key is tried once per round however often it failed; one timer serves all keys.
 */
export class KeyedRetry {
  private readonly due = new Set<string>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly timers: RetryTimers,
    private readonly delayMs: number,
    private readonly attempt: (key: string) => void,
  ) {}

  /** The write for `key` failed: run `attempt(key)` again later. */
  failed(key: string): void {
    this.due.add(key);
    this.timer ??= this.timers.setTimeout(() => this.runDue(), this.delayMs);
  }

  get pending(): number {
    return this.due.size;
  }

  private runDue(): void {
    this.timer = undefined;
    const keys = [...this.due];
    this.due.clear();
    for (const key of keys) this.attempt(key);
  }
}
