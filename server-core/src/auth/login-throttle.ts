/**
 * Password guessing limits, shared by XMPP logins and the admin console's sign-in. Failures are
 * counted over a sliding window three ways:
 *
 * - per address (all accounts): stops one address spraying guesses over many accounts;
 * - per account (all addresses): stops many addresses guessing one account;
 * - per account and address: bounds even an address the account trusts.
 *
 * A pair (account, address) that logged in successfully within `trustedForMs` is trusted: the
 * address-wide and account-wide blocks do not apply to it, only its own pair limit. So a user
 * behind an address someone else is guessing from, or whose account is being guessed from
 * elsewhere, still logs in with the right password from where they logged in before. Every
 * block lifts by itself once its failures are older than the window; refused attempts are not
 * counted, so retrying while blocked does not make a block last longer.
 *
 * Counts are per node. Memory is bounded: entries are forgotten once older than their window,
 * and each table holds at most `maxTracked` keys (the oldest are dropped first).
 */
export interface LoginThrottleLimits {
  /** Failures from one address within the window before it is refused; 0 turns the limit off. */
  perAddress: number;
  /** Failures on one account within the window before it is refused; 0 turns the limit off. */
  perAccount: number;
  /** Failures of one account from one address within the window; 0 turns the limit off. */
  perAccountAndAddress: number;
  windowMs: number;
  /** How long a successful login makes its address trusted for that account. */
  trustedForMs: number;
  maxTracked?: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; reason: 'address' | 'account' | 'account-and-address'; retryAfterMs: number };

const DEFAULT_MAX_TRACKED = 100_000;

/** Timestamps of recent failures per key, oldest first, with a cap on the number of keys. */
class FailureLog {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    while (list.length > 0 && now - list[0] >= this.windowMs) list.shift();
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  add(key: string, now: number): void {
    const list = this.recent(key, now);
    if (list.length === 0) {
      if (this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(key, list);
    }
    list.push(now);
  }

  /** Milliseconds until `key` has fewer than `limit` failures in the window; 0 when it has already. */
  blockedFor(key: string, limit: number, now: number): number {
    if (limit === 0) return 0;
    const list = this.recent(key, now);
    if (list.length < limit) return 0;
    return list[list.length - limit] + this.windowMs - now;
  }

  forgetOld(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}

export class LoginThrottle {
  private readonly byAddress: FailureLog;
  private readonly byAccount: FailureLog;
  private readonly byPair: FailureLog;
  /** `account address` -> time of the last successful login; insertion order is age order. */
  private readonly trusted = new Map<string, number>();
  private readonly maxTracked: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly limits: LoginThrottleLimits) {
    this.maxTracked = limits.maxTracked ?? DEFAULT_MAX_TRACKED;
    this.byAddress = new FailureLog(limits.windowMs, this.maxTracked);
    this.byAccount = new FailureLog(limits.windowMs, this.maxTracked);
    this.byPair = new FailureLog(limits.windowMs, this.maxTracked);
    this.timer = setInterval(() => this.forgetOld(Date.now()), limits.windowMs);
    this.timer.unref();
  }

  /** Whether an attempt on `account` from `address` may have its password checked. */
  check(address: string, account: string, now = Date.now()): ThrottleVerdict {
    const pair = pairKey(account, address);
    const pairWait = this.byPair.blockedFor(pair, this.limits.perAccountAndAddress, now);
    if (pairWait > 0) return { allowed: false, reason: 'account-and-address', retryAfterMs: pairWait };
    if (this.isTrusted(pair, now)) return { allowed: true };
    const addressWait = this.byAddress.blockedFor(address, this.limits.perAddress, now);
    if (addressWait > 0) return { allowed: false, reason: 'address', retryAfterMs: addressWait };
    const accountWait = this.byAccount.blockedFor(account, this.limits.perAccount, now);
    if (accountWait > 0) return { allowed: false, reason: 'account', retryAfterMs: accountWait };
    return { allowed: true };
  }

  /** A wrong password (or unknown account) was given. `account` is absent when none could be read. */
  recordFailure(address: string, account: string | undefined, now = Date.now()): void {
    this.byAddress.add(address, now);
    if (account === undefined) return;
    this.byAccount.add(account, now);
    this.byPair.add(pairKey(account, address), now);
  }

  /** Failures of this pair in the window (the console grows its delay with them). */
  pairFailures(address: string, account: string, now = Date.now()): number {
    return this.byPair.recent(pairKey(account, address), now).length;
  }

  recordSuccess(address: string, account: string, now = Date.now()): void {
    const pair = pairKey(account, address);
    this.trusted.delete(pair);
    if (this.trusted.size >= this.maxTracked) this.trusted.delete(this.trusted.keys().next().value as string);
    this.trusted.set(pair, now);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private isTrusted(pair: string, now: number): boolean {
    const at = this.trusted.get(pair);
    return at !== undefined && now - at < this.limits.trustedForMs;
  }

  private forgetOld(now: number): void {
    this.byAddress.forgetOld(now);
    this.byAccount.forgetOld(now);
    this.byPair.forgetOld(now);
    for (const [pair, at] of this.trusted) {
      if (now - at < this.limits.trustedForMs) break;
      this.trusted.delete(pair);
    }
  }
}

function pairKey(account: string, address: string): string {
  return `${account} ${address}`;
}
