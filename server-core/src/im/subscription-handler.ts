import { Element, clone } from 'ltx';
import { parseXml, type Jid } from '../xml';
import type { RosterItem } from '../storage/stores';
import type { CoreContext } from '../core/core-context';
import { newRosterItem, stateOf } from './roster-item-xml';
import type { RosterEditor } from './roster-editor';
import type { PresenceDelivery } from './presence-delivery';
import { inbound, outbound, type SubscriptionState, type SubscriptionType } from './subscription-state';
import type { ServiceRef } from '../core/service-registry';
import type { BlockingCheck } from '../core/core-context';

function applyState(item: RosterItem | undefined, jid: string, state: SubscriptionState, pendingInStanza: string | null): RosterItem {
  return { ...(item ?? newRosterItem(jid)), ...state, pendingInStanza: state.pendingIn ? pendingInStanza : null };
}

/** Applies the subscription state machine to stored rosters and carries out what it asks for. */
export class SubscriptionHandler {
  constructor(
    private readonly ctx: CoreContext,
    private readonly roster: RosterEditor,
    private readonly delivery: PresenceDelivery,
    /** `current` is undefined while the blocking module is off. */
    private readonly blocking: ServiceRef<BlockingCheck>,
  ) {}

  /** A local user sends subscribe/subscribed/unsubscribe/unsubscribed to `to`. */
  async fromUser(stanza: Element, type: SubscriptionType, user: Jid, to: Jid): Promise<void> {
    const owner = user.bare;
    const contact = to.bare;
    if (contact === owner) return; // one's own presence needs no subscription
    const result = await this.roster.exclusive(owner, async () => {
      const item = await this.roster.item(owner, contact);
      const outcome = outbound(stateOf(item), type);
      if (outcome.changed) await this.roster.save(owner, item, applyState(item, contact, outcome.state, item?.pendingInStanza ?? null));
      return outcome;
    });
    if (result.forward) {
      const stamped = clone(stanza);
      stamped.attrs.to = contact;
      await this.delivery.send(stamped, owner);
    }
    if (result.presenceToContact) await this.delivery.fromUser(owner, contact, result.presenceToContact);
  }

  /** A subscription stanza from `from` reaches the local user `to`. */
  async toUser(stanza: Element, type: SubscriptionType, to: Jid, from: Jid): Promise<void> {
    const owner = to.bare;
    const contact = from.bare;
    if (contact === owner) return;
    if (!(await this.ctx.stores.accounts.exists(to.local!))) {
      if (type === 'subscribe') await this.reply('unsubscribed', owner, contact);
      return;
    }
    if (type === 'subscribe' && (await this.blocking.current?.isBlocked(owner, contact))) return;
    const stamped = clone(stanza);
    stamped.attrs.from = contact;
    stamped.attrs.to = owner;
    const result = await this.roster.exclusive(owner, async () => {
      const item = await this.roster.item(owner, contact);
      const outcome = inbound(stateOf(item), type);
      const keepRequest = type === 'subscribe' && outcome.deliver;
      const pending = keepRequest ? stamped.toString() : (item?.pendingInStanza ?? null);
      if (outcome.changed || (keepRequest && item?.pendingInStanza !== pending)) {
        await this.roster.save(owner, item, applyState(item, contact, outcome.state, pending));
      }
      return outcome;
    });
    if (result.deliver) this.delivery.toAvailableResources(owner, stamped);
    if (result.autoReply) await this.reply(result.autoReply, owner, contact);
    if (result.presenceToContact) await this.delivery.fromUser(owner, contact, result.presenceToContact);
  }

  /** RFC 6121 2.5.2: removing an item cancels both directions before it disappears. */
  async removeItem(owner: string, item: RosterItem): Promise<void> {
    await this.roster.remove(owner, item);
    const hasTo = item.subscription === 'to' || item.subscription === 'both';
    const hasFrom = item.subscription === 'from' || item.subscription === 'both';
    if (hasTo || item.askOut) await this.reply('unsubscribe', owner, item.jid);
    if (hasFrom || item.pendingIn) await this.reply('unsubscribed', owner, item.jid);
    if (hasFrom) await this.delivery.fromUser(owner, item.jid, 'unavailable');
  }

  /** Pending requests are shown again each time the user becomes available (RFC 6121 3.1.3). */
  async redeliverPending(owner: string, fullJid: string): Promise<void> {
    const { items } = await this.roster.all(owner);
    for (const item of items) {
      if (!item.pendingIn || item.pendingInStanza === null) continue;
      // A stored request that no longer parses is still a request: rebuild a plain one.
      const request = parseStored(item.pendingInStanza) ?? new Element('presence', { type: 'subscribe', from: item.jid, to: owner });
      this.ctx.router.deliverToResource(fullJid, request);
    }
  }

  private reply(type: SubscriptionType, from: string, to: string): Promise<void> {
    return this.delivery.send(new Element('presence', { type, to }), from);
  }
}

function parseStored(xml: string): Element | undefined {
  try {
    return parseXml(xml);
  } catch {
    return undefined;
  }
}
