import { Element } from 'ltx';
import { StanzaError } from '../../xml';
import type { IqRequest } from '../../routing';
import { pubsubError, unsupported } from './pep-errors';
import { itemsElement } from './pep-events';
import { parseConfigFields, parsePublishOptions, submittedForm } from './pep-node-config';
import { NODE_CONFIG_FORM, PUBSUB } from './pep-namespaces';
import type { LocalPepService } from './pep-service';

/** The actions of the `pubsub` namespace this service answers, with the IQ type each comes in. */
const ACTIONS = new Map<string, 'get' | 'set'>([
  ['publish', 'set'],
  ['retract', 'set'],
  ['create', 'set'],
  ['subscribe', 'set'],
  ['unsubscribe', 'set'],
  ['items', 'get'],
  ['subscriptions', 'get'],
]);

/** What may travel next to an action in one `<pubsub/>`. */
const COMPANION: Record<string, string> = { publish: 'publish-options', create: 'configure' };

/**
 * The `<pubsub/>` IQs of XEP-0060 a PEP client sends to an account's bare JID: publish (with
 * publish-options as preconditions), retract, create (with a configuration), subscribe and
 * unsubscribe, and the retrieval of items and of the sender's subscriptions.
 */
export function pepIqHandler(service: LocalPepService, maxItemsPerNode: number, onIgnored: (request: IqRequest, fields: string[]) => void) {
  return async (request: IqRequest): Promise<Element | void> => {
    const { iq, payload } = request;
    if (payload.name !== 'pubsub') throw new StanzaError('bad-request', 'expected a <pubsub/> element');
    const [action, ...rest] = payload.getChildElements();
    if (!action) throw new StanzaError('bad-request', 'a <pubsub/> request names an action');
    const companion = rest.find((child) => child.name === COMPANION[action.name]);
    if (rest.length > (companion ? 1 : 0)) throw new StanzaError('bad-request', 'a <pubsub/> request carries one action (publish with publish-options, create with configure)');
    const expectedType = ACTIONS.get(action.name);
    if (!expectedType) throw unsupported(action.name === 'options' ? 'subscription-options' : action.name);
    if (iq.attrs.type !== expectedType) throw new StanzaError('bad-request', `<${action.name}/> goes in an IQ ${expectedType}`);
    const { from, to } = request;
    const owner = to.bare;
    const ownerOnly = (what: string): void => {
      if (from.bare !== owner) throw new StanzaError('forbidden', `only the owner ${what} an account's PEP nodes`);
    };
    switch (action.name) {
      case 'publish': {
        ownerOnly('publishes to');
        const { config, ignored } = parsePublishOptions(companion, maxItemsPerNode);
        if (ignored.length > 0) onIgnored(request, ignored);
        const node = requireNode(action);
        const { id, payload: content } = oneItem(action);
        const published = await service.publish(owner, node, content, id, config);
        const result = new Element('pubsub', { xmlns: PUBSUB });
        result.c('publish', { node }).c('item', { id: published });
        return result;
      }
      case 'retract': {
        ownerOnly('retracts from');
        const node = requireNode(action);
        const entries = action.getChildren('item');
        const id = entries[0]?.attrs.id as string | undefined;
        if (entries.length !== 1 || !id) throw pubsubError('bad-request', 'item-required', 'retract names exactly one item id');
        const notify = action.attrs.notify === 'true' || action.attrs.notify === '1';
        await service.config(owner, node);
        if (!(await service.retract(owner, node, id, { notify }))) throw new StanzaError('item-not-found', `no item ${id} in ${node}`);
        return;
      }
      case 'create': {
        ownerOnly('creates');
        const node = action.attrs.node as string | undefined;
        if (!node) throw pubsubError('not-acceptable', 'nodeid-required', 'PEP nodes have names; instant nodes are not supported');
        const fields = submittedForm(companion, NODE_CONFIG_FORM);
        const parsed = fields ? parseConfigFields(fields, maxItemsPerNode) : { config: {}, ignored: [] };
        if (parsed.ignored.length > 0) onIgnored(request, parsed.ignored);
        await service.create(owner, node, parsed.config);
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        const node = requireNode(action);
        const jid = String(action.attrs.jid ?? '');
        if (jid !== from.bare && jid !== from.full) throw pubsubError('bad-request', 'invalid-jid', `subscribe and unsubscribe for ${from.bare} or ${from.full}, not '${jid}'`);
        if (action.name === 'unsubscribe') return void (await service.unsubscribe(owner, node, jid));
        await service.subscribe(owner, node, jid);
        const result = new Element('pubsub', { xmlns: PUBSUB });
        result.c('subscription', { node, jid, subscription: 'subscribed' });
        return result;
      }
      case 'items': {
        const node = requireNode(action);
        const ids = action.getChildren('item').map((entry) => String(entry.attrs.id ?? ''));
        const max = action.attrs.max_items === undefined ? undefined : parseCount(String(action.attrs.max_items));
        const items = await service.read(owner, from.bare, node, ids.length > 0 ? { ids } : { max });
        const result = new Element('pubsub', { xmlns: PUBSUB });
        // Oldest first, as they were published.
        result.cnode(itemsElement(node, [...items].reverse()));
        return result;
      }
      default: {
        const result = new Element('pubsub', { xmlns: PUBSUB });
        const list = result.c('subscriptions');
        for (const { node, jid } of await service.subscriptionsOf(owner, from.bare)) list.c('subscription', { node, jid, subscription: 'subscribed' });
        return result;
      }
    }
  };
}

export function requireNode(action: Element): string {
  const node = action.attrs.node as string | undefined;
  if (!node) throw pubsubError('bad-request', 'nodeid-required', `<${action.name}/> names a node`);
  return node;
}

function oneItem(action: Element): { id: string | undefined; payload: Element } {
  const entries = action.getChildren('item');
  if (entries.length !== 1 || action.getChildElements().length !== 1) {
    throw pubsubError('bad-request', entries.length === 0 ? 'item-required' : 'invalid-payload', 'publish exactly one <item/>');
  }
  const entry = entries[0]!;
  const payloads = entry.getChildElements();
  if (payloads.length !== 1) throw pubsubError('bad-request', payloads.length === 0 ? 'payload-required' : 'invalid-payload', 'an item carries exactly one payload element');
  return { id: entry.attrs.id as string | undefined, payload: payloads[0]! };
}

function parseCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new StanzaError('bad-request', `max_items is a number, not '${value}'`);
  return Number(value);
}
