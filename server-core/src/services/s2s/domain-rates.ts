/** Stanzas a remote domain may send: a token bucket of `rate` per second holding up to twice that. */
export class DomainRates {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: () => number) {}

  admit(domain: string, now = Date.now()): boolean {
    const rate = this.rate();
    const bucket = this.buckets.get(domain) ?? { tokens: rate * 2, at: now };
    bucket.tokens = Math.min(rate * 2, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(domain, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(domain: string): void {
    this.buckets.delete(domain);
  }
}
