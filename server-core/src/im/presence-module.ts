import type { LostNode } from '../cluster/node-lost-handlers';
import type { Element } from 'ltx';
import type { Jid } from '../xml';
import type { BlockingCheck, CoreContext } from '../core/core-context';
import type { ServiceRef } from '../core/service-registry';
import type { SessionPresence } from '../session/session-manager';
import { InboundPresence } from './presence-inbound';
import { PresenceCache } from './presence-cache';
import { PresenceDelivery } from './presence-delivery';
import { SessionPresenceHandler } from './presence-session';
import type { RosterEditor } from './roster-editor';
import { SubscriptionHandler } from './subscription-handler';

/** What the presence module offers the session layer and the router (service `presence`). */
export interface PresenceService extends SessionPresence {
  /** Every presence addressed to a local user (bare or full JID), from anyone. */
  inbound(stanza: Element, to: Jid, from: Jid): Promise<void>;
}

export interface PresenceModule {
  service: PresenceService;
  /** Subscription rules the roster IQ applies when a contact is removed. */
  subscriptions: SubscriptionHandler;
  /** Drops the presence cached for the resources of a node that left without cleaning up. */
  nodeLost(lost: LostNode): Promise<void> | void;
}

/** Subscriptions and presence of RFC 6121 for one node, on the rosters `roster` edits. */
export function createPresenceModule(ctx: CoreContext, roster: RosterEditor, blocking: ServiceRef<BlockingCheck>): PresenceModule {
  const cache = new PresenceCache(ctx);
  const delivery = new PresenceDelivery(ctx, cache);
  const subscriptions = new SubscriptionHandler(ctx, roster, delivery, blocking);
  const inbound = new InboundPresence(ctx, roster, cache, delivery, subscriptions, blocking);
  const sessions = new SessionPresenceHandler(ctx, roster, cache, delivery, subscriptions, blocking);
  return {
    service: {
      fromSession: (session, stanza) => sessions.fromSession(session, stanza),
      sessionEnded: (session) => sessions.sessionEnded(session),
      resourceLost: (fullJid) => sessions.resourceLost(fullJid),
      inbound: (stanza, to, from) => inbound.handle(stanza, to, from),
    },
    subscriptions,
    nodeLost: (lost) => cache.nodeLost(lost),
  };
}
