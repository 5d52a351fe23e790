import type { Element } from 'ltx';
import { makeJid, parseJid, StanzaError, errorReply, refusalFields, canReplyWithError, JidError, type Jid } from '../xml';
import { StreamError, type ClientStream } from '../stream';
import type { EventBus } from '../lifecycle/event-bus';
import type { Logger } from '../log';
import { ClientSession, type SessionHost } from './client-session';
import type { LocalSessions } from './local-sessions';
import type { RouteTable } from './route-table';
import type { SessionEnding } from './session-ending';
import type { InterceptOutcome, SessionEvents, SessionInterceptors, SessionRouter } from './session-ports';

/** A service another module may provide later: `current` is undefined while none does. */
interface OptionalService<T> {
  readonly current: T | undefined;
}

/** What binding and running sessions needs from the node (the core context provides it). */
export interface SessionManagerDeps {
  readonly domain: string;
  readonly logger: Logger;
  readonly limits: { readonly maxSessionsPerUser: number };
  readonly sessions: LocalSessions;
  readonly routes: RouteTable;
  readonly sessionEnding: SessionEnding;
  readonly events: EventBus<SessionEvents>;
  readonly interceptors: SessionInterceptors;
  readonly router: SessionRouter;
  updateRoute(session: ClientSession): Promise<void>;
  /** The presence service, looked up once (the core context's service registry gives it). */
  readonly services: { ref(name: 'presence'): OptionalService<SessionPresence> };
}

/** How presence a session sends, and its end, are handled (the `presence` service). */
export interface SessionPresence {
  fromSession(session: ClientSession, stanza: Element): Promise<void>;
  /** The session is gone: broadcast unavailable if it was available, end directed presence. */
  sessionEnded(session: ClientSession): Promise<void>;
  /** An available resource vanished with its node (crash): broadcast its unavailable presence on its behalf. */
  resourceLost(fullJid: string): Promise<void>;
}

/**
 * Binds resources, runs every stanza a session sends through the incoming interceptors
 * and the router, and every stanza for a session through the outgoing interceptors.
 */
export class SessionManager implements SessionHost {
  /** Resolved once; `current` is undefined while the presence module is off. */
  private readonly presence: OptionalService<SessionPresence>;

  constructor(private readonly ctx: SessionManagerDeps) {
    this.presence = ctx.services.ref('presence');
  }

  /** RFC 6120 7.7.2.2: a second bind of the same full JID replaces the old session. */
  async bind(stream: ClientStream, username: string, resource: string): Promise<ClientSession | StanzaError> {
    const jid = makeJid(username, this.ctx.domain, resource);
    const others = this.ctx.routes.resourcesOf(jid.bare).filter((r) => r.fullJid !== jid.full);
    if (others.length >= this.ctx.limits.maxSessionsPerUser && !(await this.makeRoomFor(jid))) {
      return new StanzaError('resource-constraint', `at most ${this.ctx.limits.maxSessionsPerUser} sessions per account`);
    }
    await this.replaceExisting(jid.full);
    const session = new ClientSession(jid, stream, this);
    this.ctx.sessions.add(session);
    try {
      await this.ctx.updateRoute(session);
    } catch (err) {
      // A bind that fails must not leave a session or a route behind for others to route to.
      await this.forget(session);
      throw err;
    }
    this.ctx.events.emit('sessionCreated', session);
    return session;
  }

  async incoming(session: ClientSession, original: Element): Promise<void> {
    const from = original.attrs.from as string | undefined;
    if (from !== undefined && from !== session.fullJid && from !== session.bareJid) {
      if (!this.matchesOwnJid(from, session)) return session.kick(new StreamError('invalid-from', 'the from address is not yours'));
    }
    const verdict = await this.throughInterceptors(session, original);
    if (verdict.kind === 'reject' && verdict.error !== 'drop' && canReplyWithError(original)) {
      this.ctx.logger.debug({ ...refusalFields(original, verdict.error), from: session.fullJid }, 'request refused by an interceptor');
      session.deliver(errorReply(original, verdict.error, original.attrs.to ?? this.ctx.domain));
    }
  }

  async publishPresence(session: ClientSession, presence: Element): Promise<boolean> {
    if (presence.name !== 'presence' || presence.attrs.to !== undefined || (presence.attrs.type !== undefined && presence.attrs.type !== 'unavailable')) {
      throw new TypeError('only broadcast presence (available or unavailable, without "to") can be published for a session');
    }
    return (await this.throughInterceptors(session, presence)).kind === 'pass';
  }

  /** What the session sent, or what is published for it: incoming interceptors around processing. */
  private async throughInterceptors(session: ClientSession, original: Element): Promise<InterceptOutcome> {
    original.attrs.from = session.fullJid;
    const verdict = this.ctx.interceptors.before(original, session, 'incoming');
    if (verdict.kind === 'reject') return verdict;
    const stanza = verdict.stanza;
    stanza.attrs.from = session.fullJid;
    await this.process(session, stanza);
    this.ctx.interceptors.after(stanza, session, 'incoming');
    return verdict;
  }

  deliverTo(session: ClientSession, original: Element): void {
    if (session.isEnded) return;
    const verdict = this.ctx.interceptors.before(original, session, 'outgoing');
    if (verdict.kind === 'reject') return;
    session.output.write(verdict.stanza);
    this.ctx.interceptors.after(verdict.stanza, session, 'outgoing');
  }

  sessionClosed(session: ClientSession): Promise<void> {
    return this.end(session).catch((err) => this.ctx.logger.error({ err, jid: session.fullJid }, 'failed to end session'));
  }

  private async end(session: ClientSession): Promise<void> {
    // Stream management settles what was never acknowledged while the route still leads here.
    await session.continuity?.ending();
    await this.presence.current?.sessionEnded(session);
    await this.forget(session);
    this.ctx.events.emit('sessionDestroyed', session);
  }

  private async forget(session: ClientSession): Promise<void> {
    if (this.ctx.sessions.remove(session)) await this.ctx.routes.remove(session.fullJid);
  }

  private matchesOwnJid(from: string, session: ClientSession): boolean {
    try {
      const jid = parseJid(from);
      return jid.full === session.fullJid || jid.full === session.bareJid;
    } catch (err) {
      if (err instanceof JidError) return false;
      throw err;
    }
  }

  private async process(session: ClientSession, stanza: Element): Promise<void> {
    const sender: Jid = session.jid;
    if (stanza.name === 'presence' && stanza.attrs.to === undefined) {
      await this.presence.current?.fromSession(session, stanza);
      return;
    }
    if (stanza.attrs.to === undefined) stanza.attrs.to = session.bareJid;
    if (stanza.name === 'presence') {
      await this.presence.current?.fromSession(session, stanza);
      return;
    }
    await this.ctx.router.route(stanza, sender, session);
  }

  /**
   * A client that reconnects without resuming (a new random resource each time) must not lock
   * itself out with the sessions stream management keeps for it: at the limit, the oldest
   * detached session of the account on this node ends (its undelivered stanzas settled) to make room.
   */
  private async makeRoomFor(jid: Jid): Promise<boolean> {
    const detached = this.ctx.sessions.ofUser(jid.bare).filter((s) => s.isDetached && s.fullJid !== jid.full);
    if (detached.length === 0) return false;
    const oldest = detached.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
    this.ctx.logger.info({ jid: oldest.fullJid, for: jid.full }, 'ending a detached session to make room for a new one');
    await oldest.end();
    return true;
  }

  private async replaceExisting(fullJid: string): Promise<void> {
    try {
      await this.ctx.sessionEnding.endResource({ jid: fullJid, condition: 'conflict', text: 'replaced by a new connection with the same resource', replaced: true }, 2000);
    } catch (err) {
      this.ctx.logger.warn({ err, jid: fullJid, node: this.ctx.routes.get(fullJid)?.node }, 'could not reach the node holding the old session; taking the resource over');
    }
  }
}
