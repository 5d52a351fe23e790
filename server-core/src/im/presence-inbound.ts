import { Element, clone } from 'ltx';
import { StanzaError, type Jid } from '../xml';
import type { CoreContext } from '../core/core-context';
import type { PresenceCache } from './presence-cache';
import type { PresenceDelivery } from './presence-delivery';
import type { RosterEditor } from './roster-editor';
import type { SubscriptionHandler } from './subscription-handler';
import { isSubscriptionType, type SubscriptionType } from './subscription-state';
import type { ServiceRef } from '../core/service-registry';
import type { BlockingCheck } from '../core/core-context';

/** Presence addressed to a local user, from anyone (RFC 6121 4.3, 4.4.3, 4.5.3, 8.5). */
export class InboundPresence {
  constructor(
    private readonly ctx: CoreContext,
    private readonly roster: RosterEditor,
    private readonly cache: PresenceCache,
    private readonly delivery: PresenceDelivery,
    private readonly subscriptions: SubscriptionHandler,
    /** `current` is undefined while the blocking module is off. */
    private readonly blocking: ServiceRef<BlockingCheck>,
  ) {}

  async handle(stanza: Element, to: Jid, from: Jid): Promise<void> {
    const type = stanza.attrs.type as string | undefined;
    if (isSubscriptionType(type)) return this.subscription(stanza, type, to, from);
    if (type === 'probe') return this.probe(to, from);
    if (type === 'error') return this.deliver(stanza, to);
    if (type !== undefined && type !== 'unavailable') return; // not a presence type: nothing to tell anyone
    if (await this.blocking.current?.isBlocked(to.bare, from.full)) return;
    this.deliver(stanza, to);
  }

  /** A request the user's roster has no room for goes back to its sender as an error. */
  private async subscription(stanza: Element, type: SubscriptionType, to: Jid, from: Jid): Promise<void> {
    try {
      await this.subscriptions.toUser(stanza, type, to, from);
    } catch (err) {
      if (!(err instanceof StanzaError)) throw err;
      this.ctx.router.reject(stanza, err);
    }
  }

  /** A full JID reaches only that resource (dropped when it is offline); a bare JID every available one. */
  private deliver(stanza: Element, to: Jid): void {
    if (to.resource !== null) this.ctx.router.deliverToResource(to.full, stanza);
    else this.delivery.toAvailableResources(to.bare, stanza);
  }

  /** The server answers for the user, and only to those the user lets see their presence. */
  private async probe(to: Jid, from: Jid): Promise<void> {
    const owner = to.bare;
    if (from.bare !== owner) {
      if (!(await this.ctx.stores.accounts.exists(to.local!))) return this.unsubscribed(owner, from.bare);
      if (await this.blocking.current?.isBlocked(owner, from.full)) return;
      const item = await this.roster.item(owner, from.bare);
      if (!item || (item.subscription !== 'from' && item.subscription !== 'both')) return this.unsubscribed(owner, from.bare);
    }
    for (const { fullJid, presence } of this.cache.availableOf(owner)) {
      if (fullJid === from.full) continue;
      const answer = clone(presence);
      answer.attrs.to = from.full;
      await this.delivery.send(answer, fullJid);
    }
  }

  private unsubscribed(owner: string, to: string): Promise<void> {
    return this.delivery.send(new Element('presence', { type: 'unsubscribed', to }), owner);
  }
}
