import type { Logger } from '../../log';
import type { MonotonicClock } from '../monotonic-clock';
import type { RedisClient } from './connection';
import type { ClusterKeys } from './keys';
import { runScript } from './scripts';

export interface MembershipListener {
  joined(): void;
  left(): void;
  memberJoined(nodeId: string): void;
  memberLeft(nodeId: string): void;
}

export interface MembershipTiming {
  heartbeatMs: number;
  memberTimeoutMs: number;
}

/** Forgotten entries of dead nodes are purged from the member set after this many timeouts. */
const PURGE_AFTER_TIMEOUTS = 10;

/**
 * Heartbeats into a sorted set (node -> Redis time) and derives the live members from it.
 * Joins and leaves are announced so others refresh at once instead of at their next beat; a
 * crashed node drops out when its heartbeat is older than memberTimeoutMs. A node whose own
 * heartbeats fail for memberTimeoutMs considers itself out of the cluster until one succeeds.
 */
export class Membership {
  private live = new Set<string>();
  private inCluster = false;
  private lastBeatOkAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private beatAgain = false;
  suspended = false;

  constructor(
    private readonly nodeId: string,
    private readonly client: RedisClient,
    private readonly keys: ClusterKeys,
    private readonly timing: MembershipTiming,
    private readonly listener: MembershipListener,
    private readonly logger: Logger,
    private readonly now: MonotonicClock,
  ) {
    this.live.add(nodeId);
  }

  members(): string[] {
    return [...this.live].sort();
  }

  isMember(nodeId: string): boolean {
    return this.live.has(nodeId);
  }

  /** Resolves after the first successful heartbeat; rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    await this.heartbeat(true);
    await this.client.publish(this.keys.controlChannel(), JSON.stringify({ type: 'joined', node: this.nodeId }));
    this.timer = setInterval(() => void this.beat(), this.timing.heartbeatMs);
  }

  /** Another node joined or left: refresh now rather than at the next beat. */
  refresh(): void {
    void this.beat();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const message = JSON.stringify({ type: 'left', node: this.nodeId });
    try {
      await runScript(this.client, 'aimLeave', [this.keys.members()], [this.nodeId, this.keys.controlChannel(), message]);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not announce leaving; others will time this node out');
    }
    this.inCluster = false;
  }

  private async beat(): Promise<void> {
    if (this.suspended || !this.timer) return;
    if (this.beating) {
      this.beatAgain = true;
      return;
    }
    this.beating = true;
    try {
      await this.heartbeat(false);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'cluster heartbeat failed');
      if (this.inCluster && this.now() - this.lastBeatOkAt > this.timing.memberTimeoutMs) this.leave();
    } finally {
      this.beating = false;
    }
    if (this.beatAgain) {
      this.beatAgain = false;
      void this.beat();
    }
  }

  private async heartbeat(initial: boolean): Promise<void> {
    const purgeAfter = this.timing.memberTimeoutMs * PURGE_AFTER_TIMEOUTS;
    const ids = (await runScript(this.client, 'aimHeartbeat', [this.keys.members()], [this.nodeId, this.timing.memberTimeoutMs, purgeAfter])) as string[];
    this.lastBeatOkAt = this.now();
    if (!this.inCluster) {
      this.inCluster = true;
      this.update(ids);
      if (!initial) this.logger.info('rejoined the cluster');
      this.listener.joined();
      return;
    }
    this.update(ids);
  }

  private leave(): void {
    this.inCluster = false;
    this.logger.warn({ silentMs: Math.round(this.now() - this.lastBeatOkAt) }, 'lost the cluster: heartbeats failing');
    this.update([]);
    this.listener.left();
  }

  private update(ids: string[]): void {
    const next = new Set(ids);
    next.add(this.nodeId);
    const previous = this.live;
    this.live = next;
    for (const id of next) if (!previous.has(id)) this.listener.memberJoined(id);
    for (const id of previous) if (!next.has(id)) this.listener.memberLeft(id);
  }
}
