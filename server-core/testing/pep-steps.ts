/** Requests of PEP tests (XEP-0163 over XEP-0060): publish with publish-options, items, node configuration forms. */
import type { Element } from 'ltx';
import { xml } from './world';

export const PUBSUB = 'http://jabber.org/protocol/pubsub';

/** A submitted data form of `formType` whose fields are `pubsub#<name>` = value. */
export function pubsubForm(formType: string, fields: Record<string, string>): Element {
  return xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(fields).map(([name, value]) => xml('field', { var: `pubsub#${name}` }, xml('value', {}, value))),
  );
}

/** `<publish-options/>` asking for the given node configuration (XEP-0060 section 7.1.5). */
export const publishOptions = (fields: Record<string, string>): Element => xml('publish-options', {}, pubsubForm(`${PUBSUB}#publish-options`, fields));

/** A node_config form to submit with an owner `<configure/>` or a `<create/>`. */
export const nodeConfigForm = (fields: Record<string, string>): Element => pubsubForm(`${PUBSUB}#node_config`, fields);

/** Publishes `payload` as item `id` of the sender's `node`, with publish-options when `fields` are given. */
export function publishItem(node: string, id: string, payload: Element, fields?: Record<string, string>): Element {
  const pubsub = xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node }, xml('item', { id }, payload)));
  if (fields) pubsub.cnode(publishOptions(fields));
  return xml('iq', { type: 'set' }, pubsub);
}

/** Asks `owner` for the items of `node`. */
export const getItems = (owner: string, node: string): Element => xml('iq', { type: 'get', to: owner }, xml('pubsub', { xmlns: PUBSUB }, xml('items', { node })));

/** The items of an items result (or of nothing). */
export const itemsOf = (result: Element): Element[] => result.getChild('pubsub', PUBSUB)?.getChild('items')?.getChildren('item') ?? [];

/** The ids of an items result, in its order. */
export const itemIds = (result: Element): string[] => itemsOf(result).map((item) => String(item.attrs.id));
