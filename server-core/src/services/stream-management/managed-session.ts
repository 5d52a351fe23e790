import { Element } from 'ltx';
import type { Logger } from '../../log';
import type { ClientSession, OutputStageHandle, SessionContinuity } from '../../session';
import { StreamError, type ClientStream, type FeatureStream, type StreamEndCause } from '../../stream';
import { ahead, wire } from './counter';
import type { SmConfig } from './config';
import type { Unacked } from './unacked';

export const SM_NS = 'urn:xmpp:sm:3';

/** Runs after client state indication (which holds stanzas back): what is counted is what the client is sent. */
const SM_STAGE_ORDER = 100;

export interface ManagedSessionOptions {
  /** Set when the session may be resumed: its id on the wire. */
  id: string | undefined;
  /** Seconds a detached session waits to be resumed. */
  resumeSeconds: number;
  /** The module's settings now (they may change while the session runs). */
  config(): SmConfig;
  logger: Logger;
  /** The session detached (true) or was resumed (false). */
  onDetachedChange(detached: boolean): void;
  /** Stores or bounces what the client never acknowledged, when the session ends. */
  settle(unacked: Unacked[]): Promise<void>;
  /** Stream management is done with the session. */
  released(): void;
}

/** What an `<a h='...'/>` from the client did to the count of unacknowledged stanzas. */
export type AckOutcome = { ok: true } | { ok: false; condition: 'undefined-condition' | 'item-not-found'; text: string };

/**
 * XEP-0198 on one session: counts what the session handled from the client (its `h`) and
 * what it wrote to the client, keeps every written stanza until the client acknowledges it,
 * asks for acknowledgements, and keeps the session through a dropped connection until it is
 * resumed or times out. It is the session's last output stage and its continuity.
 */
export class ManagedSession implements SessionContinuity {
  /** Stanzas written (or queued while detached) since `<enabled/>`, never wrapped. */
  private sent = 0;
  /** Of those, acknowledged by the client. */
  private acked = 0;
  /** The unacknowledged ones, oldest first: `unacked[i]` is stanza number `acked + i + 1`. */
  private unacked: Unacked[] = [];
  /** `session.handledStanzas` when stream management was enabled. */
  private readonly inboundBase: number;
  private sinceRequest = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private detachTimer: NodeJS.Timeout | undefined;
  private readonly waiters: Array<{ upTo: number; resolve: (ok: boolean) => void }> = [];
  private readonly stage: OutputStageHandle;
  /** The stream the session last lost; a resumption waits until it handled what it had received. */
  private lostStream: ClientStream | undefined;
  private finished = false;
  private detached = false;
  /** A resumption is under way (a second one for the same id is refused meanwhile). */
  resuming = false;

  constructor(
    readonly session: ClientSession,
    private readonly options: ManagedSessionOptions,
  ) {
    this.inboundBase = session.handledStanzas;
    this.stage = session.output.add({ name: 'stream-management', order: SM_STAGE_ORDER, write: (stanza, next) => this.write(stanza, next) });
    session.continuity = this;
  }

  get id(): string | undefined {
    return this.options.id;
  }

  /** Stanzas handled from the client since enable, as `h` on the wire. */
  get inboundH(): number {
    return wire(this.session.handledStanzas - this.inboundBase + 2 ** 32);
  }

  get unackedCount(): number {
    return this.unacked.length;
  }

  get sentCount(): number {
    return this.sent;
  }

  /** The output stage: count, keep, and write when a stream is attached. */
  private write(stanza: Element, next: (stanza: Element) => void): void {
    if (this.finished) return next(stanza);
    this.sent++;
    this.unacked.push({ stanza, at: Date.now() });
    if (this.overflowing()) return this.overflow();
    if (!this.session.stream) return;
    next(stanza);
    this.sinceRequest++;
    if (this.sinceRequest >= this.options.config().requestAckAfterStanzas) this.requestAck();
    else this.ackTimer ??= setTimeout(() => this.requestAck(), this.options.config().requestAckAfterMs).unref();
  }

  /** Over the bound: detached (nobody can acknowledge), or attached with the oldest waiting past the grace. */
  private overflowing(): boolean {
    const { maxUnackedStanzas, unackedGraceSeconds } = this.options.config();
    if (this.unacked.length <= maxUnackedStanzas) return false;
    return !this.session.stream || Date.now() - this.unacked[0].at >= unackedGraceSeconds * 1000;
  }

  /** The bound on kept stanzas: a client that never acknowledges cannot make the server hold everything. */
  private overflow(): void {
    const max = this.options.config().maxUnackedStanzas;
    this.options.logger.warn({ jid: this.session.fullJid, max, detached: this.session.isDetached }, 'too many unacknowledged stanzas; ending the session');
    if (this.session.stream) this.session.stream.close(new StreamError('policy-violation', `more than ${max} stanzas unacknowledged`));
    else void this.session.end();
  }

  requestAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.sinceRequest = 0;
    if (this.finished || !this.session.stream || this.unacked.length === 0) return;
    this.session.stream.send(new Element('r', { xmlns: SM_NS }));
  }

  /** The client acknowledged `h` stanzas in all (modulo 2^32). */
  ack(h: number): AckOutcome {
    const checked = this.checkAck(h);
    if (!checked.ok) return checked;
    const newly = ahead(h, this.acked);
    this.acked += newly;
    this.unacked.splice(0, newly);
    if (this.unacked.length === 0) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    this.settleWaiters(true);
    return { ok: true };
  }

  private checkAck(h: number): AckOutcome {
    const newly = ahead(h, this.acked);
    if (newly > this.sent - this.acked) return { ok: false, condition: 'undefined-condition', text: `you acknowledged ${h} stanzas, but only ${wire(this.sent)} were sent` };
    return { ok: true };
  }

  /** The answer to the client's `<r/>`. */
  answer(): Element {
    return new Element('a', { xmlns: SM_NS, h: String(this.inboundH) });
  }

  handedOver(): Promise<boolean> {
    if (this.acked >= this.sent) return Promise.resolve(true);
    if (this.finished) return Promise.resolve(false);
    const upTo = this.sent;
    const promise = new Promise<boolean>((resolve) => this.waiters.push({ upTo, resolve }));
    this.requestAck();
    return promise;
  }

  keepAfter(cause: StreamEndCause): boolean {
    const lost = cause.kind === 'lost' || (cause.kind === 'server-closed' && cause.condition === 'connection-timeout');
    if (this.finished || !this.options.id || !lost) return false;
    this.lostStream = this.session.stream;
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.detachTimer = setTimeout(() => {
      this.options.logger.info({ jid: this.session.fullJid, seconds: this.options.resumeSeconds, unacked: this.unacked.length }, 'detached session not resumed in time; ending it');
      void this.session.end();
    }, this.options.resumeSeconds * 1000).unref();
    this.options.logger.info({ jid: this.session.fullJid, seconds: this.options.resumeSeconds, unacked: this.unacked.length }, 'connection lost; session kept for resumption');
    this.detached = true;
    this.options.onDetachedChange(true);
    return true;
  }

  /**
   * Takes the session to `stream` (XEP-0198 5): `h` acknowledges what the client got before the
   * drop; the answer is `<resumed/>` with what the server handled, then every stanza still
   * unacknowledged, in order. An old stream still attached (the client noticed the drop first) is closed.
   */
  async resume(stream: FeatureStream, h: number): Promise<AckOutcome> {
    const checked = this.checkAck(h);
    if (!checked.ok) return checked;
    clearTimeout(this.detachTimer);
    this.detachTimer = undefined;
    const old = this.session.detach();
    if (old) {
      this.lostStream = old;
      old.close(new StreamError('conflict', 'the session was resumed on another connection'));
    }
    this.ack(h);
    // What the old stream had received is handled before h is reported, or it would be counted on one side only.
    await this.lostStream?.settled();
    this.lostStream = undefined;
    if (this.finished || this.session.isEnded) return { ok: false, condition: 'item-not-found', text: 'the session ended while it was being resumed' };
    stream.resume(this.session);
    stream.write(new Element('resumed', { xmlns: SM_NS, previd: this.options.id!, h: String(this.inboundH) }));
    // Straight to the new connection: these were counted when they were first written.
    const attached = this.session.stream!;
    for (const { stanza } of this.unacked) attached.send(stanza);
    this.sinceRequest = 0;
    this.requestAck();
    if (this.detached) this.options.onDetachedChange((this.detached = false));
    return { ok: true };
  }

  /**
   * The session ends (or the module stops): what was never acknowledged is stored or bounced
   * before anyone waiting for it (offline delivery) is told it can forget it.
   */
  async ending(): Promise<void> {
    const unacked = this.finish();
    try {
      if (unacked.length > 0) await this.options.settle(unacked);
    } finally {
      this.settleWaiters(true, true);
    }
  }

  private finish(): Unacked[] {
    if (this.finished) return [];
    this.finished = true;
    this.options.released();
    clearTimeout(this.ackTimer);
    clearTimeout(this.detachTimer);
    if (this.detached) this.options.onDetachedChange((this.detached = false));
    this.stage.remove();
    if (this.session.continuity === this) this.session.continuity = undefined;
    const unacked = this.unacked;
    this.unacked = [];
    return unacked;
  }

  private settleWaiters(ok: boolean, all = false): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (all || waiter.upTo <= this.acked) {
        this.waiters.splice(i, 1);
        waiter.resolve(ok);
      }
    }
  }
}
