import { clone, type Element } from 'ltx';
import { StanzaError, withResource, type Jid } from '../xml';
import type { ClientSession } from '../session';
import type { CoreContext } from '../core/core-context';
import { Scope } from '../lifecycle/scope';
import { addDiscoFeatures } from '../core/disco-features';
import { bareJidRecipients } from './message-recipients';
import { OfflineMessages } from './offline-messages';
import { createCarbons } from './carbons';
import { messageType } from './message-hints';

export interface MessageModule {
  /** Delivers a message addressed to a local user (bare or full JID) by RFC 6121 8.5. */
  message(stanza: Element, to: Jid, from: Jid): Promise<void>;
  dispose(): Promise<void>;
}

const OFFLINE_FEATURE = 'msgoffline';

/**
 * Message delivery to local users: the RFC 6121 8.5 rules, XEP-0191 blocking of the sender,
 * XEP-0160 offline storage (flushed when a resource becomes available) and XEP-0280 carbons
 * (whose IQ handler and sent-copy interceptor this module installs too).
 */
export function createMessageModule(ctx: CoreContext): MessageModule {
  const offline = new OfflineMessages(ctx);
  const carbons = createCarbons(ctx);
  const undo = new Scope('module messages', ctx.logger);
  const blocking = ctx.services.ref('blocking');

  /** Returns whether any recipient took it (a route can outlive its session for a moment). */
  const deliver = (stanza: Element, owner: Jid, recipients: string[]): boolean => {
    // Each local recipient's outgoing interceptors may rewrite what they get: one copy each.
    const delivered = recipients.filter((full) => ctx.router.deliverToResource(full, recipients.length > 1 ? clone(stanza) : stanza));
    carbons.copyReceived(stanza, owner.bare, delivered);
    return delivered.length > 0;
  };

  /** RFC 6121 8.5.2.2: nobody available to take it now. */
  const noAvailableResource = async (stanza: Element, to: Jid, type: string): Promise<void> => {
    if (type === 'groupchat') return ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    if (type !== 'chat' && type !== 'normal') return; // headline: it is news only while it is fresh
    if (!OfflineMessages.isStorable(stanza)) return;
    const refused = await offline.store(to.local!, stanza);
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

  const message = async (stanza: Element, to: Jid, from: Jid): Promise<void> => {
    const type = messageType(stanza);
    const owner = withResource(to, null);
    if (to.resource !== null && ctx.routes.get(to.full)) {
      if (await blocking.current?.isBlocked(to.bare, from.full)) return refuseBlocked(stanza, type);
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
    return toBareJid(stanza, owner, type);
  };

  const flushOffline = (session: ClientSession): void => {
    offline.flushTo(session).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not deliver offline messages'));
  };

  undo.own(ctx.events.on('sessionAvailable', flushOffline));
  undo.own(addDiscoFeatures(ctx, [OFFLINE_FEATURE]));
  undo.own(() => carbons.dispose());

  return { message, dispose: () => undo.dispose() };
}
