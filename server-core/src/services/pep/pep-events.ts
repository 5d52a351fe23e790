import { randomUUID } from 'node:crypto';
import { Element, clone } from 'ltx';
import type { PepItem } from '../../core/pep-api';
import { PUBSUB_EVENT } from './pep-namespaces';

/** `<items node>` with the items and their payloads, as in publish results, retrievals and events. */
export function itemsElement(node: string, items: readonly PepItem[]): Element {
  const element = new Element('items', { node });
  for (const item of items) element.c('item', { id: item.id }).cnode(clone(item.payload));
  return element;
}

/** XEP-0060 section 7.1.2.1: the headline a subscriber gets for a new item. */
export function itemEvent(owner: string, to: string, item: PepItem): Element {
  return eventMessage(owner, to, itemsElement(item.node, [item]));
}

/** XEP-0060 section 7.2.2.1: the headline a subscriber gets for a retracted item. */
export function retractEvent(owner: string, to: string, node: string, itemId: string): Element {
  const items = new Element('items', { node });
  items.c('retract', { id: itemId });
  return eventMessage(owner, to, items);
}

/** XEP-0060 sections 8.4.2 and 8.5.2: the node is gone, or emptied. */
export function nodeEvent(owner: string, to: string, kind: 'delete' | 'purge', node: string): Element {
  return eventMessage(owner, to, new Element(kind, { node }));
}

function eventMessage(owner: string, to: string, payload: Element): Element {
  const message = new Element('message', { type: 'headline', from: owner, to, id: randomUUID() });
  message.c('event', { xmlns: PUBSUB_EVENT }).cnode(payload);
  return message;
}
