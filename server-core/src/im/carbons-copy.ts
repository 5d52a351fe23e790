import { Element, clone } from 'ltx';
import { NS } from '../xml';
import { messageType } from './message-hints';

/**
 * A XEP-0280 copy of `message` for one of the owner's resources: `<received/>` for a message
 * the owner got, `<sent/>` for one the owner sent, the original forwarded inside (XEP-0297).
 */
export function carbonCopy(kind: 'received' | 'sent', message: Element, ownerBareJid: string, toFullJid: string): Element {
  const original = clone(message);
  original.attrs.xmlns = NS.CLIENT; // the forwarded stanza leaves its stream's default namespace
  const copy = new Element('message', { from: ownerBareJid, to: toFullJid, type: messageType(message) });
  copy.c(kind, { xmlns: NS.CARBONS }).c('forwarded', { xmlns: NS.FORWARD }).cnode(original);
  return copy;
}
