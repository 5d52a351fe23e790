import { Element, clone } from 'ltx';
import { parseJid, JidError, StanzaError, errorReply, refusalFields, type Jid } from '../xml';
import type { ClientSession } from '../session';
import type { RosterItem } from '../storage/stores';
import type { CoreContext } from '../core/core-context';
import type { SessionPresence } from '../session/session-manager';
import type { PresenceCache } from './presence-cache';
import type { PresenceDelivery } from './presence-delivery';
import { parsePriority } from './presence-priority';
import type { RosterEditor } from './roster-editor';
import type { SubscriptionHandler } from './subscription-handler';
import { isSubscriptionType } from './subscription-state';
import type { ServiceRef } from '../core/service-registry';
import type { BlockingCheck } from '../core/core-context';

const subscribed = (item: RosterItem): boolean => item.subscription === 'from' || item.subscription === 'both';

/**
 * How long a presence step waits for its cluster writes to come back through the stream before
 * going on anyway (Redis unreachable): late is better than never, never is not an option.
 */
const SETTLE_WAIT_MS = 2000;

function settledWithin(settled: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SETTLE_WAIT_MS);
    timer.unref();
    void settled.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
const subscribedTo = (item: RosterItem): boolean => item.subscription === 'to' || item.subscription === 'both';

/** Presence a local session sends: broadcast, directed, subscriptions, and its end (RFC 6121 4). */
export class SessionPresenceHandler implements SessionPresence {
  /** Per session, the number of its latest broadcast: a catch-up only ever completes the latest. */
  private readonly broadcasts = new WeakMap<object, number>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly roster: RosterEditor,
    private readonly cache: PresenceCache,
    private readonly delivery: PresenceDelivery,
    private readonly subscriptions: SubscriptionHandler,
    /** `current` is undefined while the blocking module is off. */
    private readonly blocking: ServiceRef<BlockingCheck>,
  ) {}

  async fromSession(session: ClientSession, stanza: Element): Promise<void> {
    const type = stanza.attrs.type as string | undefined;
    const to = stanza.attrs.to as string | undefined;
    if (to === undefined) {
      if (type === undefined) return this.available(session, stanza);
      if (type === 'unavailable') return this.unavailable(session, stanza);
      if (type !== 'error') this.refuse(session, stanza, new StanzaError('bad-request', `presence of type ${type} needs a recipient`));
      return;
    }
    let target: Jid;
    try {
      target = parseJid(to);
    } catch (err) {
      if (!(err instanceof JidError)) throw err;
      return this.refuse(session, stanza, new StanzaError('jid-malformed', err.message));
    }
    if (isSubscriptionType(type)) {
      try {
        return await this.subscriptions.fromUser(stanza, type, session.jid, target);
      } catch (err) {
        if (err instanceof StanzaError) return this.refuse(session, stanza, err);
        throw err;
      }
    }
    if (type === undefined) {
      if (target.bare !== session.bareJid) session.directedPresenceTo.add(target.full);
    } else if (type === 'unavailable') {
      session.directedPresenceTo.delete(target.full);
    }
    stanza.attrs.to = target.full;
    await this.ctx.router.route(stanza, session.jid, session);
  }

  /** Directed presence of a lost resource died with its node; subscribers and own resources are told here. */
  async resourceLost(fullJid: string): Promise<void> {
    const jid = parseJid(fullJid);
    const presence = new Element('presence', { type: 'unavailable', from: jid.full });
    const roster = (await this.roster.all(jid.bare)).items;
    await this.broadcast({ jid, fullJid: jid.full, bareJid: jid.bare }, presence, roster);
  }

  async sessionEnded(session: ClientSession): Promise<void> {
    if (session.available || session.directedPresenceTo.size > 0) await this.unavailable(session, null);
    await this.cache.delete(session.fullJid);
  }

  private async available(session: ClientSession, stanza: Element): Promise<void> {
    const priority = parsePriority(stanza);
    if (priority instanceof StanzaError) return this.refuse(session, stanza, priority);
    const initial = !session.available;
    const wasReachable = session.available && session.priority >= 0;
    const presence = clone(stanza);
    presence.attrs.from = session.fullJid;
    delete presence.attrs.to;
    session.presence = presence;
    session.priority = priority;
    session.available = true;
    session.hasSentInitialPresence = true;
    // The replicated copy is visible locally at once; contacts need not wait for the other nodes to have it.
    const cached = this.cache.set(session.fullJid, presence);
    const roster = await Promise.all([this.ctx.updateRoute(session), this.roster.all(session.bareJid)]).then(([, r]) => r.items);
    await Promise.all([cached, this.broadcast(session, presence, roster)]);
    if (initial) {
      // Probes are answered from this node's copy of the contacts' presence: once this route
      // write is back through the stream, that copy holds every presence published before it,
      // and a contact who became available later saw this route (see broadcast's catch-up).
      await settledWithin(this.ctx.routes.settled());
      await this.probeContacts(session, roster);
      this.showOwnResources(session);
      await this.subscriptions.redeliverPending(session.bareJid, session.fullJid);
    }
    if (!wasReachable && priority >= 0) this.ctx.events.emit('sessionAvailable', session);
    this.ctx.events.emit('presenceChanged', session, presence);
  }

  /** `stanza` is null when the session simply went away. */
  private async unavailable(session: ClientSession, stanza: Element | null): Promise<void> {
    const wasAvailable = session.available;
    const presence = stanza ? clone(stanza) : new Element('presence', { type: 'unavailable' });
    presence.attrs.from = session.fullJid;
    delete presence.attrs.to;
    session.available = false;
    session.presence = null;
    await this.cache.delete(session.fullJid);
    if (!session.isEnded) await this.ctx.updateRoute(session);
    const told = new Set<string>();
    if (wasAvailable) {
      const roster = (await this.roster.all(session.bareJid)).items;
      for (const jid of await this.broadcast(session, presence, roster)) told.add(jid);
      if (stanza && !session.isEnded) session.deliver(addressed(presence, session.fullJid));
    }
    for (const target of session.directedPresenceTo) {
      if (told.has(parseJid(target).bare)) continue;
      await this.ctx.router.route(addressed(presence, target), session.jid);
    }
    session.directedPresenceTo.clear();
    if (wasAvailable) this.ctx.events.emit('presenceChanged', session, presence);
  }

  /** To every subscriber and the user's own available resources; returns the subscribers told. */
  private async broadcast(session: Pick<ClientSession, 'jid' | 'fullJid' | 'bareJid'>, presence: Element, roster: RosterItem[]): Promise<string[]> {
    const told: string[] = [];
    const version = (this.broadcasts.get(session) ?? 0) + 1;
    this.broadcasts.set(session, version);
    /** Local subscribers' resources this node knew as available when it sent. */
    const reached = new Map<string, Set<string>>();
    for (const item of roster) {
      if (!subscribed(item) || (await this.blocking.current?.isBlocked(session.bareJid, item.jid))) continue;
      if (parseJid(item.jid).domain === this.ctx.domain) reached.set(item.jid, this.availableResources(item.jid));
      await this.ctx.router.route(addressed(presence, item.jid), session.jid);
      told.push(item.jid);
    }
    this.delivery.toAvailableResources(session.bareJid, addressed(presence, session.bareJid), presence.attrs.type === 'unavailable' ? session.fullJid : undefined);
    if (reached.size > 0) void this.catchUp(session, version, presence, reached);
    return told;
  }

  /**
   * A contact's resource that became available on another node just before this broadcast may
   * not be in this node's route table yet, and its probe may have found no presence of ours:
   * once our presence write is back through the stream, this node has every route published
   * before it, and a resource that appeared meanwhile gets the presence it missed (unless a
   * newer broadcast of the session took over).
   */
  private async catchUp(session: object, version: number, presence: Element, reached: Map<string, Set<string>>): Promise<void> {
    await settledWithin(this.cache.settled());
    if (this.broadcasts.get(session) !== version) return;
    for (const [contact, before] of reached) {
      for (const fullJid of this.availableResources(contact)) {
        if (!before.has(fullJid)) this.ctx.router.deliverToResource(fullJid, addressed(presence, contact));
      }
    }
  }

  private availableResources(bareJid: string): Set<string> {
    return new Set(this.ctx.routes.resourcesOf(bareJid).filter((route) => route.available).map((route) => route.fullJid));
  }

  /** RFC 6121 4.2.2: learn the presence of every contact the user is subscribed to. */
  private async probeContacts(session: ClientSession, roster: RosterItem[]): Promise<void> {
    for (const item of roster) {
      if (!subscribedTo(item)) continue;
      const probe = new Element('presence', { type: 'probe', from: session.fullJid, to: item.jid });
      await this.ctx.router.route(probe, session.jid);
    }
  }

  /** A new resource learns which other resources of the same user are available. */
  private showOwnResources(session: ClientSession): void {
    for (const { fullJid, presence } of this.cache.availableOf(session.bareJid)) {
      if (fullJid === session.fullJid) continue;
      presence.attrs.to = session.fullJid;
      session.deliver(presence);
    }
  }

  private refuse(session: ClientSession, stanza: Element, error: StanzaError): void {
    stanza.attrs.from = session.fullJid;
    this.ctx.logger.debug(refusalFields(stanza, error), 'presence refused');
    session.deliver(errorReply(stanza, error, stanza.attrs.to ?? this.ctx.domain));
  }
}

function addressed(presence: Element, to: string): Element {
  const copy = clone(presence);
  copy.attrs.to = to;
  return copy;
}
