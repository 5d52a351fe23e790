import { Element } from 'ltx';
import { NS, StanzaError } from '../../xml';
import type { IqHandler, IqRequest } from '../../routing';
import type { PepAudience } from './pep-audience';
import { pubsubError, unsupported } from './pep-errors';
import { itemsElement } from './pep-events';
import { PUBLISH_OPTIONS_FORM, PUBSUB } from './pep-namespaces';
import type { LocalPepService } from './pep-service';

/** The actions this service answers, with the IQ type each comes in. */
const ACTIONS = new Map<string, 'get' | 'set'>([
  ['publish', 'set'],
  ['retract', 'set'],
  ['items', 'get'],
]);

/**
 * The `<pubsub/>` IQs of XEP-0060 a PEP client uses against an account's bare JID: publish
 * and retract by the owner, items retrieval by the owner and its subscribed contacts. Nodes
 * come into being with their first item and are gone with their last, so retrieving an empty
 * node answers item-not-found.
 */
export function pepIqHandler(service: LocalPepService, audience: PepAudience): IqHandler {
  return async (request: IqRequest): Promise<Element | void> => {
    const { iq, payload } = request;
    if (payload.name !== 'pubsub') throw new StanzaError('bad-request', 'expected a <pubsub/> element');
    const [action, ...rest] = payload.getChildElements();
    if (!action) throw new StanzaError('bad-request', 'a <pubsub/> request names an action');
    const options = rest.find((child) => child.name === 'publish-options');
    if (rest.length > (options ? 1 : 0) || (options && action.name !== 'publish')) {
      throw new StanzaError('bad-request', 'a <pubsub/> request carries one action (and publish-options with publish)');
    }
    if (iq.attrs.type === 'set' && action.name === 'publish') return publish(service, request, action, options);
    if (iq.attrs.type === 'set' && action.name === 'retract') return retract(service, request, action);
    if (iq.attrs.type === 'get' && action.name === 'items') return items(service, audience, request, action);
    const expectedType = ACTIONS.get(action.name);
    if (expectedType) throw new StanzaError('bad-request', `<${action.name}/> goes in an IQ ${expectedType}`);
    throw unsupported(action.name);
  };
}

async function publish(service: LocalPepService, { from, to }: IqRequest, action: Element, options: Element | undefined): Promise<Element> {
  if (from.bare !== to.bare) throw new StanzaError('forbidden', "only the owner publishes to an account's PEP nodes");
  const node = requireNode(action);
  const entries = action.getChildren('item');
  if (entries.length !== 1 || action.getChildElements().length !== 1) {
    throw pubsubError('bad-request', entries.length === 0 ? 'item-required' : 'invalid-payload', 'publish exactly one <item/>');
  }
  const entry = entries[0]!;
  const payloads = entry.getChildElements();
  if (payloads.length !== 1) throw pubsubError('bad-request', payloads.length === 0 ? 'payload-required' : 'invalid-payload', 'an item carries exactly one payload element');
  if (options) checkPreconditions(options);
  const id = await service.publish(to.bare, node, payloads[0]!, entry.attrs.id as string | undefined);
  const result = new Element('pubsub', { xmlns: PUBSUB });
  result.c('publish', { node }).c('item', { id });
  return result;
}

async function retract(service: LocalPepService, { from, to }: IqRequest, action: Element): Promise<void> {
  if (from.bare !== to.bare) throw new StanzaError('forbidden', "only the owner retracts from an account's PEP nodes");
  const node = requireNode(action);
  const entries = action.getChildren('item');
  const id = entries[0]?.attrs.id as string | undefined;
  if (entries.length !== 1 || !id) throw pubsubError('bad-request', 'item-required', 'retract names exactly one item id');
  const notify = action.attrs.notify === 'true' || action.attrs.notify === '1';
  if (!(await service.retract(to.bare, node, id, { notify }))) throw new StanzaError('item-not-found', `no item ${id} in ${node}`);
}

async function items(service: LocalPepService, audience: PepAudience, { from, to }: IqRequest, action: Element): Promise<Element> {
  const node = requireNode(action);
  if (!(await audience.mayRead(to.bare, from.bare))) {
    throw pubsubError('not-authorized', 'presence-subscription-required', `only contacts subscribed to ${to.bare} see its PEP items`);
  }
  const item = service.item(to.bare, node);
  if (!item) throw new StanzaError('item-not-found', `no node ${node}`);
  const wanted = action.getChildren('item').map((entry) => entry.attrs.id as string | undefined);
  if (wanted.length > 0 && !wanted.includes(item.id)) throw new StanzaError('item-not-found', `no such item in ${node}`);
  const result = new Element('pubsub', { xmlns: PUBSUB });
  result.cnode(itemsElement(item));
  return result;
}

function requireNode(action: Element): string {
  const node = action.attrs.node as string | undefined;
  if (!node) throw pubsubError('bad-request', 'nodeid-required', `<${action.name}/> names a node`);
  return node;
}

/**
 * XEP-0060 section 7.1.5: every node here has the presence access model and keeps one item, so
 * a publish that requires another access model fails its precondition. Other options are
 * accepted as they come: they cannot make the node share more than presence allows.
 */
function checkPreconditions(options: Element): void {
  const form = options.getChild('x', NS.DATA_FORMS);
  if (!form) return;
  const fields = new Map(form.getChildren('field').map((field) => [String(field.attrs.var), field.getChildText('value') ?? '']));
  const formType = fields.get('FORM_TYPE');
  if (formType !== undefined && formType !== PUBLISH_OPTIONS_FORM) throw new StanzaError('bad-request', `publish-options must be a ${PUBLISH_OPTIONS_FORM} form`);
  const accessModel = fields.get('pubsub#access_model');
  if (accessModel !== undefined && accessModel !== 'presence') {
    throw pubsubError('conflict', 'precondition-not-met', `PEP nodes here have the presence access model, not ${accessModel}`);
  }
}
