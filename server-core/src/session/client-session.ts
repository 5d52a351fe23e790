import type { Element } from 'ltx';
import type { Jid } from '../xml';
import type { ClientStream, BoundSession, StreamError, StreamEndCause } from '../stream';
import { SessionOutput } from './session-output';

/** What a session reports to and asks of the server core. */
export interface SessionHost {
  incoming(session: ClientSession, stanza: Element): Promise<void>;
  /** Presence broadcast on the session's behalf; false when an interceptor rejected it. */
  publishPresence(session: ClientSession, presence: Element): Promise<boolean>;
  deliverTo(session: ClientSession, stanza: Element): void;
  /** The session ended; resolves once its end was handled (presence, route, events). */
  sessionClosed(session: ClientSession): Promise<void>;
}

/**
 * What keeps a session across connections (stream management, XEP-0198): it decides whether
 * a session outlives its stream, and when what was delivered can be forgotten.
 */
export interface SessionContinuity {
  /** The session's stream ended; true keeps the session detached, waiting to be resumed. */
  keepAfter(cause: StreamEndCause): boolean;
  /** Resolves true once every stanza delivered so far was acknowledged or taken care of. */
  handedOver(): Promise<boolean>;
  /** The session is ending, before its presence and route go: settle what the client never acknowledged. */
  ending(): Promise<void>;
}

/** Counters are unsigned 32-bit and wrap (XEP-0198 4). */
const UINT32 = 2 ** 32;

/**
 * A bound client resource on this node. Holds the per-resource state RFC 6121 needs:
 * availability and priority, last broadcast presence, whether it asked for the roster,
 * directed presence it sent, carbons and blocklist interest. With stream management the
 * session may outlive its stream: it is then detached (no stream) until resumed or ended.
 */
export class ClientSession implements BoundSession {
  priority = 0;
  available = false;
  /** Last available presence broadcast by this resource (stamped), or null. */
  presence: Element | null = null;
  /** Presence the resource sent before it first became available was initial (RFC 6121 4.2). */
  hasSentInitialPresence = false;
  rosterRequested = false;
  carbonsEnabled = false;
  blocklistRequested = false;
  readonly directedPresenceTo = new Set<string>();
  readonly createdAt = Date.now();
  /** Stanzas for the client after the outgoing interceptors: stages (CSI, stream management), then the stream. */
  readonly output: SessionOutput;
  /** Set by stream management while it manages this session. */
  continuity: SessionContinuity | undefined;
  private ended = false;
  private endDone: Promise<void> | undefined;
  private current: ClientStream | undefined;
  private handled = 0;

  constructor(
    readonly jid: Jid,
    stream: ClientStream,
    private readonly host: SessionHost,
  ) {
    this.current = stream;
    this.output = new SessionOutput((stanza) => this.current?.send(stanza));
  }

  get fullJid(): string {
    return this.jid.full;
  }

  get bareJid(): string {
    return this.jid.bare;
  }

  get username(): string {
    return this.jid.local!;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The stream the session writes to; undefined while detached. */
  get stream(): ClientStream | undefined {
    return this.current;
  }

  get isDetached(): boolean {
    return this.current === undefined && !this.ended;
  }

  /** Stanzas from the client this session finished handling, modulo 2^32 (stream management's `h`). */
  get handledStanzas(): number {
    return this.handled;
  }

  async handle(stanza: Element): Promise<void> {
    try {
      await this.host.incoming(this, stanza);
    } finally {
      this.handled = (this.handled + 1) % UINT32;
    }
  }

  /**
   * Broadcasts presence on this resource's behalf (a plugin showing the user on the phone):
   * the path the client's own broadcast presence takes, interceptors included, without the
   * checks on what a client sends. False when the session ended or an interceptor rejected it.
   */
  publishPresence(presence: Element): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    return this.host.publishPresence(this, presence);
  }

  /** Sends a stanza to this client through the outgoing interceptors. */
  deliver(stanza: Element): void {
    this.host.deliverTo(this, stanza);
  }

  /**
   * Resolves true once every stanza delivered so far can be forgotten by the server: written
   * to the socket, or with stream management acknowledged by the client (or stored again when
   * the session ended unacknowledged). False when the session ended first.
   */
  handedOver(): Promise<boolean> {
    if (this.continuity) return this.continuity.handedOver();
    return this.current ? this.current.flushed() : Promise.resolve(false);
  }

  closed(cause: StreamEndCause, stream: ClientStream): void {
    if (this.ended || stream !== this.current) return; // a stream this session already left
    if (this.continuity?.keepAfter(cause)) {
      this.current = undefined;
      return;
    }
    void this.end();
  }

  reattach(stream: ClientStream): void {
    this.current = stream;
  }

  sendFromFeature(stanza: Element): void {
    if (!this.ended) this.output.write(stanza);
  }

  /** Leaves the current stream without ending (a resumption takes the session to a new one). */
  detach(): ClientStream | undefined {
    const previous = this.current;
    this.current = undefined;
    return previous;
  }

  /** Ends the session now, with or without a stream: its presence and route go. Resolves once that is done. */
  end(): Promise<void> {
    if (!this.endDone) {
      this.ended = true;
      this.endDone = this.host.sessionClosed(this);
    }
    return this.endDone;
  }

  /** Disconnects the client, with a stream error when given (e.g. conflict on resource takeover); a detached session just ends. */
  kick(error?: StreamError): void {
    if (this.current) this.current.close(error);
    else void this.end();
  }
}
