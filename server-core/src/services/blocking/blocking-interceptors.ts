import { Element } from 'ltx';
import { NS, StanzaError, bareOf, canReplyWithError } from '../../xml';
import type { PacketInterceptor, InterceptorContext, InterceptorVerdict } from '../../routing';
import type { CoreContext } from '../../core/core-context';
import type { BlocklistCache } from './blocklist-cache';

/** Before everything else: a blocked stanza must not reach any other interceptor or the router. */
const BLOCKING_PRIORITY = 1000;

/**
 * XEP-0191 3.3 on the node that holds the session, from the replicated blocklists:
 * - the user sends to a blocked JID: messages, presence and IQ requests bounce with
 *   not-acceptable and `<blocked/>`; errors and IQ results are dropped (nothing answers them);
 * - a blocked JID sends to the user: messages and IQ requests get service-unavailable (what
 *   an absent user's server says, so the contact cannot tell it is blocked), presence and
 *   everything else is dropped without an answer.
 * The user's own account and the server itself are never blocked from the user, nor are the
 * bounces of the user's own stanzas to a blocked JID.
 */
export function blockingInterceptor(ctx: CoreContext, lists: BlocklistCache): PacketInterceptor {
  const blocked = (owner: string, other: string | undefined): boolean => {
    if (other === undefined || bareOf(other) === owner || other === ctx.domain) return false;
    const answer = lists.isBlockedNow(owner, other);
    if (answer === undefined) {
      // Still loading at login; the window is one database read wide.
      void lists.ensureLoaded(owner).catch((err) => ctx.logger.error({ err, owner }, 'could not load a blocklist'));
      return false;
    }
    return answer;
  };

  const outbound = (stanza: Element): InterceptorVerdict => (canReplyWithError(stanza) ? { reject: blockedError() } : { reject: 'drop' });

  const inbound = (stanza: Element): InterceptorVerdict => {
    if (stanza.name !== 'presence' && canReplyWithError(stanza)) ctx.router.reject(stanza, new StanzaError('service-unavailable'));
    return { reject: 'drop' };
  };

  return {
    name: 'blocking',
    priority: BLOCKING_PRIORITY,
    intercept(stanza: Element, { session, direction, processed }: InterceptorContext): InterceptorVerdict {
      if (processed) return undefined;
      if (direction === 'incoming') return blocked(session.bareJid, stanza.attrs.to as string | undefined) ? outbound(stanza) : undefined;
      if (isBlockedBounce(stanza)) return undefined;
      return blocked(session.bareJid, stanza.attrs.from as string | undefined) ? inbound(stanza) : undefined;
    },
  };
}

/** The error the user gets for writing to a blocked JID carries that JID as `from`, yet must reach the user. */
function isBlockedBounce(stanza: Element): boolean {
  return stanza.attrs.type === 'error' && stanza.getChild('error')?.getChild('blocked', NS.BLOCKING_ERRORS) !== undefined;
}

function blockedError(): StanzaError {
  return new StanzaError('not-acceptable', 'you have blocked this contact', 'cancel', new Element('blocked', { xmlns: NS.BLOCKING_ERRORS }));
}
