import { Element } from 'ltx';
import { StanzaError } from '../../xml';
import type { IqRequest } from '../../routing';
import { unsupported } from './pep-errors';
import { requireNode } from './pep-iq';
import { DEFAULT_NODE_CONFIG, configForm, parseConfigFields, submittedForm } from './pep-node-config';
import { NODE_CONFIG_FORM, PUBSUB_OWNER } from './pep-namespaces';
import type { LocalPepService } from './pep-service';

const ACTIONS = new Map<string, 'get' | 'set' | 'both'>([
  ['configure', 'both'],
  ['default', 'get'],
  ['delete', 'set'],
  ['purge', 'set'],
]);

/**
 * The `<pubsub xmlns='...#owner'/>` IQs of XEP-0060 section 8, for the account's owner only:
 * node configuration (get the form, submit it), the default configuration, delete and purge.
 */
export function pepOwnerIqHandler(service: LocalPepService, maxItemsPerNode: number, onIgnored: (request: IqRequest, fields: string[]) => void) {
  return async (request: IqRequest): Promise<Element | void> => {
    const { iq, payload, from, to } = request;
    if (payload.name !== 'pubsub') throw new StanzaError('bad-request', 'expected a <pubsub/> element');
    const actions = payload.getChildElements();
    const action = actions[0];
    if (!action || actions.length > 1) throw new StanzaError('bad-request', 'a <pubsub/> owner request carries exactly one action');
    const expected = ACTIONS.get(action.name);
    if (!expected) throw unsupported(action.name === 'affiliations' ? 'modify-affiliations' : action.name === 'subscriptions' ? 'manage-subscriptions' : action.name);
    if (expected !== 'both' && iq.attrs.type !== expected) throw new StanzaError('bad-request', `<${action.name}/> goes in an IQ ${expected}`);
    if (from.bare !== to.bare) throw new StanzaError('forbidden', "only the owner manages an account's PEP nodes");
    const owner = to.bare;
    if (action.name === 'default') {
      const result = new Element('pubsub', { xmlns: PUBSUB_OWNER });
      result.c('default').cnode(configForm(DEFAULT_NODE_CONFIG));
      return result;
    }
    const node = requireNode(action);
    if (action.name === 'delete') return service.deleteNode(owner, node);
    if (action.name === 'purge') return service.purge(owner, node);
    if (iq.attrs.type === 'get') {
      const result = new Element('pubsub', { xmlns: PUBSUB_OWNER });
      result.c('configure', { node }).cnode(configForm(await service.config(owner, node)));
      return result;
    }
    const fields = submittedForm(action, NODE_CONFIG_FORM);
    // A cancelled form (or none) changes nothing, but the node must exist.
    if (!fields) return void (await service.config(owner, node));
    const { config, ignored } = parseConfigFields(fields, maxItemsPerNode);
    if (ignored.length > 0) onIgnored(request, ignored);
    await service.configure(owner, node, config);
  };
}
