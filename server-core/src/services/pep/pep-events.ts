import { randomUUID } from 'node:crypto';
import { Element, clone } from 'ltx';
import type { PepItem } from '../../core/pep-api';
import { PUBSUB_EVENT } from './pep-namespaces';

/** `<items node>` with the item and its payload, as in publish results, retrievals and events. */
export function itemsElement(item: PepItem): Element {
  const items = new Element('items', { node: item.node });
  items.c('item', { id: item.id }).cnode(clone(item.payload));
  return items;
}

/** XEP-0060 section 7.1.2.1: the headline a subscriber gets for a new item. */
export function itemEvent(owner: string, to: string, item: PepItem): Element {
  return eventMessage(owner, to, itemsElement(item));
}

/** XEP-0060 section 7.2.2.1: the headline a subscriber gets for a retracted item. */
export function retractEvent(owner: string, to: string, node: string, itemId: string): Element {
  const items = new Element('items', { node });
  items.c('retract', { id: itemId });
  return eventMessage(owner, to, items);
}

function eventMessage(owner: string, to: string, items: Element): Element {
  const message = new Element('message', { type: 'headline', from: owner, to, id: randomUUID() });
  message.c('event', { xmlns: PUBSUB_EVENT }).cnode(items);
  return message;
}
