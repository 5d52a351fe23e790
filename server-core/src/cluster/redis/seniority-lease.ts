import type { Logger } from '../../log';
import { hostMonotonicNow, type MonotonicClock } from '../monotonic-clock';
import type { RedisClient } from './connection';
import type { ClusterKeys } from './keys';
import { runScript } from './scripts';

export interface LeaseTiming {
  leaseMs: number;
  renewEveryMs: number;
  leaseSafetyMarginMs: number;
}

export interface LeaseListener {
  gained(token: number): void;
  lost(reason: string): void;
}

/** How often `findSenior` asks Redis again while no node holds the lease. */
const FIND_SENIOR_POLL_MS = 50;

interface HeldLease {
  value: string;
  token: number;
}

interface LeaseValue {
  node: string;
  token: number;
}

/**
 * The seniority lease: one Redis key set with NX semantics and a TTL, holding the owner and a
 * fencing token. Ownership is judged locally against a monotonic deadline measured from when the
 * acquire/renew request was *sent*: Redis started the lease's TTL no earlier than that, so the
 * deadline (minus a safety margin) always falls before the key can expire in Redis and be taken
 * by another node — even if this process is paused or cut off and never hears back.
 */
export class SeniorityLease {
  private held: HeldLease | null = null;
  private deadline = 0;
  private lastSeen: LeaseValue | null = null;
  private highestToken = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private busy = false;
  private again = false;
  suspended = false;

  constructor(
    private readonly nodeId: string,
    private readonly client: RedisClient,
    private readonly keys: ClusterKeys,
    private readonly timing: LeaseTiming,
    private readonly listener: LeaseListener,
    private readonly logger: Logger,
    private readonly now: MonotonicClock,
  ) {}

  isSenior(): boolean {
    return this.held !== null && this.now() < this.deadline;
  }

  token(): number | null {
    return this.isSenior() ? (this.held as HeldLease).token : null;
  }

  seniorId(): string | null {
    if (this.isSenior()) return this.nodeId;
    return this.lastSeen && this.lastSeen.node !== this.nodeId ? this.lastSeen.node : null;
  }

  /**
   * The senior, asking Redis when this node does not know one: after this node lost the lease
   * (it may have been paused past it) it still remembers only itself as the holder until its
   * next tick reads the lease again. Resolves with null when no node holds the lease within
   * `timeoutMs`.
   */
  async findSenior(timeoutMs: number): Promise<string | null> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const known = this.seniorId();
      if (known || !this.tickTimer || this.now() >= deadline) return known;
      await this.tick();
      if (this.seniorId() === null) await new Promise((resolve) => setTimeout(resolve, Math.min(FIND_SENIOR_POLL_MS, Math.max(0, deadline - this.now()))));
    }
  }

  async start(): Promise<void> {
    this.tickTimer = setInterval(() => this.poke(), this.timing.renewEveryMs);
    await this.tick();
  }

  /** Renew or try to acquire now, e.g. because the senior announced it released the lease. */
  poke(): void {
    void this.tick();
  }

  /** A node announced it released its lease: forget it as senior and try to take over now. */
  released(nodeId: string): void {
    if (this.lastSeen?.node === nodeId) this.lastSeen = null;
    this.poke();
  }

  /** Stops being senior at once without touching Redis (the lease there may be stale); the next tick competes again. */
  stepDown(reason: string): void {
    this.lose(reason);
  }

  /** Steps down and deletes the lease if it is still ours, announcing it so another node takes over at once. */
  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const held = this.held;
    if (!held) return;
    this.lose('stopping');
    const message = JSON.stringify({ type: 'released', node: this.nodeId, token: held.token });
    try {
      await runScript(this.client, 'aimReleaseLease', [this.keys.lease()], [held.value, this.keys.controlChannel(), message]);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not release the seniority lease; it expires on its own');
    }
  }

  private async tick(): Promise<void> {
    if (this.suspended || !this.tickTimer) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      if (this.held) await this.renew(this.held);
      else await this.acquire();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, senior: this.held !== null }, 'seniority lease request failed');
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      void this.tick();
    }
  }

  private async acquire(): Promise<void> {
    const sentAt = this.now();
    const [won, value, remainingMs] = (await runScript(this.client, 'aimAcquireLease', [this.keys.lease(), this.keys.leaseToken(), this.keys.leaseQuarantine()], [this.nodeId, this.timing.leaseMs, this.highestToken])) as [number, string | null, number?];
    const lease = this.remember(value);
    if (won !== 1) this.retryAtExpiry(remainingMs);
    if (won !== 1 || !lease || !value || !this.tickTimer) return;
    const deadline = this.deadlineFrom(sentAt);
    if (deadline <= this.now()) return; // the answer came too late to be of use; the next tick retries
    this.held = { value, token: lease.token };
    this.deadline = deadline;
    this.armDeadline();
    // Structured so the seniority history of a cluster can be rebuilt from its logs (fencing token, host clock).
    this.logger.info({ event: 'markedSenior', fencingToken: lease.token, monotonicMs: hostMonotonicNow() }, 'marked senior');
    this.listener.gained(lease.token);
  }

  private async renew(held: HeldLease): Promise<void> {
    const sentAt = this.now();
    const renewed = (await runScript(this.client, 'aimRenewLease', [this.keys.lease()], [held.value, this.timing.leaseMs])) as number;
    if (this.held !== held) return;
    if (renewed !== 1) return this.lose('lease held by another node');
    // A renewal answered after the deadline passed cannot repair the gap callers already saw.
    if (this.now() >= this.deadline) return this.lose('lease deadline passed before renewal');
    this.deadline = this.deadlineFrom(sentAt);
    this.armDeadline();
  }

  /**
   * Another node holds the lease: try again the moment it would expire rather than at the next
   * tick, so a crashed senior is replaced within the lease time, not lease time + one tick.
   */
  private retryAtExpiry(remainingMs: number | undefined): void {
    if (remainingMs === undefined || remainingMs < 0 || remainingMs >= this.timing.renewEveryMs || !this.tickTimer) return;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      this.poke();
    }, remainingMs + 2);
  }

  private deadlineFrom(sentAt: number): number {
    return sentAt + this.timing.leaseMs - this.timing.leaseSafetyMarginMs;
  }

  private armDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      this.deadlineTimer = undefined;
      if (this.held && this.now() >= this.deadline) this.lose('lease deadline passed without renewal');
      else if (this.held) this.armDeadline();
    }, Math.max(0, this.deadline - this.now()) + 1);
  }

  private lose(reason: string): void {
    if (!this.held) return;
    const { token } = this.held;
    // The lease ended at its deadline even if this process only notices now (it may have been paused).
    const endedAgoMs = Math.max(0, this.now() - this.deadline);
    this.held = null;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const monotonicMs = hostMonotonicNow();
    this.logger.warn({ event: 'lostSeniority', fencingToken: token, reason, monotonicMs, seniorUntilMonotonicMs: monotonicMs - endedAgoMs }, 'lost seniority');
    this.listener.lost(reason);
  }

  private remember(value: string | null): LeaseValue | null {
    if (!value) return null;
    try {
      const lease = JSON.parse(value) as LeaseValue;
      this.lastSeen = lease;
      this.highestToken = Math.max(this.highestToken, lease.token);
      return lease;
    } catch {
      this.logger.error({ value }, 'unreadable seniority lease value');
      return null;
    }
  }
}
