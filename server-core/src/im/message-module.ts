import { clone, type Element } from 'ltx';
import { StanzaError, withResource, type Jid } from '../xml';
import type { CoreContext } from '../core/core-context';
import type { ServiceRef } from '../core/service-registry';
import type { BlockingCheck } from '../core/core-context';
import { bareJidRecipients } from './message-recipients';
import { OfflineMessages } from './offline-messages';
import type { Carbons } from './carbons';
import { messageType } from './message-hints';

export interface MessageDelivery {
  /**
   * Delivers a message addressed to a local user (bare or full JID) by RFC 6121 8.5.
   * `redelivered`: the message went through these rules on another node already (the resource
   * it was sent to left meanwhile), so it is not archived a second time.
   */
  message(stanza: Element, to: Jid, from: Jid, options?: { redelivered?: boolean }): Promise<void>;
}

/** XEP-0313 archiving on the way to a local user (`to` as addressed); answers the message to deliver (with its `<stanza-id/>`). */
export interface MessageArchive {
  record(message: Element, to: Jid, from: Jid): Promise<Element>;
}

/** Stores a message for an absent user: undefined when stored, else the error for the sender. */
export interface OfflineStore {
  /** `announced`: push notifications went out for it already (it reached an idle session first). */
  store(username: string, message: Element, options?: { announced?: boolean }): Promise<StanzaError | undefined>;
}

/** The modules delivery works with when they run (each `current` is undefined while its module is off). */
export interface MessageDeliveryServices {
  blocking: ServiceRef<BlockingCheck>;
  carbons: ServiceRef<Pick<Carbons, 'copyReceived'>>;
  offline: ServiceRef<OfflineStore>;
  mam: ServiceRef<MessageArchive>;
}

/**
 * Message delivery to local users: the RFC 6121 8.5 rules, XEP-0191 blocking of the sender,
 * XEP-0160 offline storage, XEP-0280 `<received/>` carbons and XEP-0313 archiving.
 */
export function createMessageDelivery(ctx: CoreContext, { blocking, carbons, offline, mam }: MessageDeliveryServices): MessageDelivery {

  /** Returns whether any recipient took it (a route can outlive its session for a moment). */
  const deliver = (stanza: Element, owner: Jid, recipients: string[]): boolean => {
    // Each local recipient's outgoing interceptors may rewrite what they get: one copy each.
    const delivered = recipients.filter((full) => ctx.router.deliverToResource(full, recipients.length > 1 ? clone(stanza) : stanza));
    carbons.current?.copyReceived(stanza, owner.bare, delivered);
    return delivered.length > 0;
  };

  /** RFC 6121 8.5.2.2: nobody available to take it now. */
  const noAvailableResource = async (stanza: Element, to: Jid, type: string): Promise<void> => {
    if (type === 'groupchat') return ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    if (type !== 'chat' && type !== 'normal') return; // headline: it is news only while it is fresh
    if (!OfflineMessages.isStorable(stanza)) return;
    // RFC 6121 8.5.2.2.1: a server that does not store offline messages says so.
    if (!offline.current) return ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    const refused = await offline.current.store(to.local!, stanza);
    if (refused) ctx.router.reject(stanza, refused);
  };

  const toBareJid = async (stanza: Element, to: Jid, type: string): Promise<void> => {
    if (type === 'groupchat') return ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    const recipients = bareJidRecipients(ctx.routes.resourcesOf(to.bare), type === 'headline' ? 'all' : 'highest');
    if (!deliver(stanza, to, recipients)) return noAvailableResource(stanza, to, type);
  };

  /** XEP-0191 3.3: a blocked sender is told what it would be told if the user did not exist. */
  const refuseBlocked = (stanza: Element, type: string): void => {
    if (type !== 'error') ctx.router.reject(stanza, new StanzaError('service-unavailable'));
  };

  const message = async (original: Element, to: Jid, from: Jid, options?: { redelivered?: boolean }): Promise<void> => {
    let stanza = original;
    const type = messageType(stanza);
    const owner = withResource(to, null);
    // Archived once, on the node that routes the message, right before its first delivery
    // attempt (to a resource or to offline storage): never per resource, never for carbons.
    let archived = options?.redelivered === true;
    const archive = async (): Promise<void> => {
      if (archived || !mam.current) return;
      archived = true;
      stanza = await mam.current.record(stanza, to, from);
    };
    if (to.resource !== null && ctx.routes.get(to.full)) {
      if (await blocking.current?.isBlocked(to.bare, from.full)) return refuseBlocked(stanza, type);
      await archive();
      if (deliver(stanza, owner, [to.full])) return;
    }
    if (type === 'error') return; // RFC 6121 8.5.2: an error for a resource that is gone has nobody to go to
    if (to.resource !== null && (type === 'headline' || type === 'groupchat')) {
      // 8.5.3.2.1: only normal and chat fall back to the bare JID.
      return type === 'groupchat' ? ctx.router.reject(stanza, new StanzaError('service-unavailable')) : undefined;
    }
    if (ctx.routes.resourcesOf(to.bare).length === 0 && !(await ctx.stores.accounts.exists(to.local!))) {
      if (type !== 'headline') ctx.router.reject(stanza, new StanzaError('service-unavailable'));
      return;
    }
    if (await blocking.current?.isBlocked(to.bare, from.full)) return refuseBlocked(stanza, type);
    await archive();
    return toBareJid(stanza, owner, type);
  };

  return { message };
}
