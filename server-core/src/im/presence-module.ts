import type { Element } from 'ltx';
import type { Jid } from '../xml';
import type { CoreContext } from '../server/core-context';
import type { SessionPresence } from '../server/session-manager';
import { InboundPresence } from './presence-inbound';
import { PresenceCache } from './presence-cache';
import { PresenceDelivery } from './presence-delivery';
import { SessionPresenceHandler } from './presence-session';
import { RosterEditor } from './roster-editor';
import { RosterIq } from './roster-iq';
import { RosterPusher } from './roster-push';
import { SubscriptionHandler } from './subscription-handler';

export interface PresenceModule {
  /** Presence local sessions send, and their end. */
  presence: SessionPresence;
  /** Every presence addressed to a local user (bare or full JID), from anyone. */
  inbound(stanza: Element, to: Jid, from: Jid): Promise<void>;
  dispose(): void;
}

/** Rosters, subscriptions and presence of RFC 6121 for one node; registers the roster IQ handler. */
export function createPresenceModule(ctx: CoreContext): PresenceModule {
  const pusher = new RosterPusher(ctx);
  const roster = new RosterEditor(ctx, pusher);
  const cache = new PresenceCache(ctx);
  const delivery = new PresenceDelivery(ctx, cache);
  const subscriptions = new SubscriptionHandler(ctx, roster, delivery);
  const inbound = new InboundPresence(ctx, roster, cache, delivery, subscriptions);
  const unregisterIq = new RosterIq(ctx, roster, subscriptions).register();
  const removeNodeLost = ctx.nodeLost.add('presence', (lost) => cache.nodeLost(lost));
  return {
    presence: new SessionPresenceHandler(ctx, roster, cache, delivery, subscriptions),
    inbound: (stanza, to, from) => inbound.handle(stanza, to, from),
    dispose() {
      unregisterIq();
      removeNodeLost();
      pusher.dispose();
    },
  };
}
