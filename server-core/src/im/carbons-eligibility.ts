import type { Element } from 'ltx';
import { NS } from '../xml';
import { hasHint, messageType } from './message-hints';

const RECEIPTS = 'urn:xmpp:receipts';
const CHAT_MARKERS = 'urn:xmpp:chat-markers:0';
const MUC_USER = 'http://jabber.org/protocol/muc#user';

/**
 * XEP-0280 section 6: a message is copied when it is a one-to-one chat message: type chat, or
 * type normal with a body, or a receipt or chat marker; never when the sender marked it
 * `<private/>` or `<no-copy/>`, and never a carbon itself (copies of copies would loop).
 */
export function isCarbonEligible(message: Element): boolean {
  if (message.getChild('private', NS.CARBONS) || hasHint(message, 'no-copy')) return false;
  if (message.getChild('received', NS.CARBONS) || message.getChild('sent', NS.CARBONS)) return false;
  const type = messageType(message);
  if (type === 'chat') return true;
  if (type !== 'normal') return false;
  if (message.getChild('x', MUC_USER)) return false; // MUC invitations and the like belong to the room's protocol
  if (message.getChild('body')) return true;
  return message.getChild('received', RECEIPTS) !== undefined || message.getChildByAttr('xmlns', CHAT_MARKERS) !== undefined;
}
