/**
 * Counts failed logins per remote address over a sliding minute, so password guessing from
 * one address is refused before credentials are even looked at. Memory stays bounded: an
 * address is forgotten once its failures are older than the window.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    /** 0 turns the limit off. */
    private readonly maxFailuresPerMinute: number,
    private readonly windowMs = 60_000,
  ) {
    if (maxFailuresPerMinute > 0) {
      this.timer = setInterval(() => this.forgetOld(Date.now()), windowMs);
      this.timer.unref();
    }
  }

  isBlocked(address: string, now = Date.now()): boolean {
    if (this.maxFailuresPerMinute === 0) return false;
    return this.recent(address, now).length >= this.maxFailuresPerMinute;
  }

  recordFailure(address: string, now = Date.now()): void {
    if (this.maxFailuresPerMinute === 0) return;
    const list = this.recent(address, now);
    list.push(now);
    this.failures.set(address, list);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
  }

  private forgetOld(now: number): void {
    for (const [address, list] of this.failures) {
      const kept = list.filter((t) => now - t < this.windowMs);
      if (kept.length === 0) this.failures.delete(address);
      else this.failures.set(address, kept);
    }
  }
}
