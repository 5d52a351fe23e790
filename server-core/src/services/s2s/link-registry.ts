/** How a remote domain proved who it is on a link. */
export type AuthMethod = 'dialback' | 'sasl-external';

/** One authenticated server-to-server link, as the admin API and console show it. */
export interface LinkView {
  /** Ours: the server's domain, or a component's for a link carrying that component's stanzas. */
  localDomain: string;
  remoteDomain: string;
  direction: 'incoming' | 'outgoing';
  authMethod: AuthMethod;
  /** ISO time the link was authenticated. */
  since: string;
  /** The node holding the link. */
  node: string;
  /** The peer's IP address. */
  address: string;
}

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
