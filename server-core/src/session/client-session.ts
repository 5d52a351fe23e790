import type { Element } from 'ltx';
import type { Jid } from '../xml';
import type { ClientStream, BoundSession, StreamError } from '../stream';

/** What a session reports to and asks of the server core. */
export interface SessionHost {
  incoming(session: ClientSession, stanza: Element): Promise<void>;
  /** Presence broadcast on the session's behalf; false when an interceptor rejected it. */
  publishPresence(session: ClientSession, presence: Element): Promise<boolean>;
  deliverTo(session: ClientSession, stanza: Element): void;
  sessionClosed(session: ClientSession): void;
}

/**
 * A bound client resource on this node. Holds the per-resource state RFC 6121 needs:
 * availability and priority, last broadcast presence, whether it asked for the roster,
 * directed presence it sent, carbons and blocklist interest.
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
  private ended = false;

  constructor(
    readonly jid: Jid,
    readonly stream: ClientStream,
    private readonly host: SessionHost,
  ) {}

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

  handle(stanza: Element): Promise<void> {
    return this.host.incoming(this, stanza);
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
   * Resolves true once every stanza delivered so far can be forgotten by the server: today,
   * once it was written to the socket. Stream management (XEP-0198) would resolve on the
   * client's acknowledgement instead. False when the session ended first.
   */
  handedOver(): Promise<boolean> {
    return this.stream.flushed();
  }

  closed(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.sessionClosed(this);
  }

  /** Disconnects the client, with a stream error when given (e.g. conflict on resource takeover). */
  kick(error?: StreamError): void {
    this.stream.close(error);
  }
}
