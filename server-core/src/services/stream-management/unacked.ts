import { Element, clone } from 'ltx';
import { NS, StanzaError } from '../../xml';
import type { CoreContext } from '../../core/core-context';
import type { ServiceRef } from '../../core/service-registry';
import type { OfflineStore } from '../../im/message-module';
import { OfflineMessages } from '../../im/offline-messages';
import { messageType } from '../../im/message-hints';

/** A stanza written to the client (or queued for it while detached) and not acknowledged yet. */
export interface Unacked {
  stanza: Element;
  /** When it was handed to the session (the delay stamp if it has to be stored). */
  at: number;
}

export interface UnackedOutcome {
  stored: number;
  bounced: number;
  dropped: number;
}

/**
 * What happens to the stanzas a session never acknowledged when it ends (XEP-0198 4: the server
 * treats them as undelivered, never loses them silently): a message a person reads (chat or
 * normal with a body or subject) goes to offline storage, stamped with when it first arrived,
 * so the next login gets it; when it cannot be stored (offline module off, store full) the
 * sender gets the error. An IQ request is answered service-unavailable, as for a resource that
 * is gone (RFC 6120 8.5.3.2.1). Presence, results, errors, headlines and content-free messages
 * (chat states, receipts, carbon copies) are dropped: they were only true at the time.
 */
export async function settleUnacked(
  ctx: CoreContext,
  offline: ServiceRef<OfflineStore>,
  username: string,
  unacked: Unacked[],
  /** Push notifications went out for it when it reached the session (XEP-0357): not again. */
  announced: (message: Element) => boolean = () => false,
): Promise<UnackedOutcome> {
  const outcome: UnackedOutcome = { stored: 0, bounced: 0, dropped: 0 };
  for (const { stanza, at } of unacked) {
    if (stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set')) {
      ctx.router.reject(stanza, new StanzaError('service-unavailable', 'the recipient left before answering'));
      outcome.bounced++;
      continue;
    }
    if (stanza.name !== 'message') {
      outcome.dropped++;
      continue;
    }
    const type = messageType(stanza);
    if (type === 'groupchat') {
      ctx.router.reject(stanza, new StanzaError('service-unavailable'));
      outcome.bounced++;
    } else if ((type === 'chat' || type === 'normal') && OfflineMessages.isStorable(stanza)) {
      if (await store(ctx, offline, username, stanza, at, announced(stanza))) outcome.stored++;
      else outcome.bounced++;
    } else {
      outcome.dropped++;
    }
  }
  return outcome;
}

/** True when stored; otherwise the sender was told why not (with the message as it sent it). */
async function store(ctx: CoreContext, offline: ServiceRef<OfflineStore>, username: string, message: Element, at: number, announced: boolean): Promise<boolean> {
  if (!offline.current) {
    ctx.router.reject(message, new StanzaError('service-unavailable', 'the recipient disconnected and offline storage is off'));
    return false;
  }
  const refused = await offline.current.store(username, stamped(ctx.domain, message, at), { announced });
  if (refused) ctx.router.reject(message, refused);
  return refused === undefined;
}

/** XEP-0203: a message that waits says since when; one that already says so (an offline delivery) keeps it. */
function stamped(domain: string, message: Element, at: number): Element {
  if (message.getChildren('delay', NS.DELAY).some((delay) => delay.attrs.from === domain)) return message;
  const copy = clone(message);
  copy.cnode(new Element('delay', { xmlns: NS.DELAY, from: domain, stamp: new Date(at).toISOString() }).t('Offline Storage'));
  return copy;
}
