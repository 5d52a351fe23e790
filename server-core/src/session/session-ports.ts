import type { Element } from 'ltx';
import type { Jid, StanzaError } from '../xml';
import type { ClientSession } from './client-session';

/** The verdict of the interceptor chain on one stanza before it is processed. */
export type InterceptOutcome = { kind: 'pass'; stanza: Element } | { kind: 'reject'; error: StanzaError | 'drop' };

export type StanzaDirection = 'incoming' | 'outgoing';

/**
 * What the session layer needs of the layers above it, as ports: the interceptor chain and
 * the router (routing/ implements both). The session layer stays below routing, so the chat
 * path reads top to bottom: a stream's stanza enters a session, the session hands it up.
 */
export interface SessionInterceptors {
  before(stanza: Element, session: ClientSession, direction: StanzaDirection): InterceptOutcome;
  after(stanza: Element, session: ClientSession, direction: StanzaDirection): void;
}

export interface SessionRouter {
  route(stanza: Element, from: Jid, session?: ClientSession): Promise<void>;
}

/** Events of this node's sessions, in the order they happen for one session. */
export interface SessionEvents {
  /** A resource was bound on this node. */
  sessionCreated: (session: ClientSession) => void;
  /** A session on this node broadcast presence (available or unavailable). */
  presenceChanged: (session: ClientSession, presence: Element) => void;
  /** A session sent its initial available presence with non-negative priority: time to flush offline messages. */
  sessionAvailable: (session: ClientSession) => void;
  /** A resource on this node is gone (after its unavailable presence was broadcast). */
  sessionDestroyed: (session: ClientSession) => void;
}
