import { Element } from 'ltx';
import { NS, StanzaError, type Jid } from '../../xml';
import type { IqRequest } from '../../routing';
import type { CoreContext } from '../../core/core-context';
import { defineCoreModule } from '../../plugins/core-module';
import { PEP_FEATURES, PEP_IDENTITY } from '../pep';
import { SERVER_CAPS_NODE, serverCapsVer } from '../caps';

/**
 * XEP-0030 service discovery. The server answers from `ctx.disco` (identities, features and
 * items that modules and plugins add). A user's bare JID answers for its account, but only to
 * the user and to contacts with a presence subscription, so strangers cannot probe whether an
 * account exists (RFC 6121 8.5.1 privacy: they get service-unavailable, as for no account).
 */
export default defineCoreModule({
  name: 'disco',
  description: 'XEP-0030 Service Discovery',
  optional: ['pep'],
  start(module) {
    const ctx = module.core;
    const pep = module.useOptional('pep');
    const serverInfo = ({ iq, payload }: IqRequest): Element => {
      // XEP-0115 6.2: the node of the server's own caps answers as the server does.
      const capsNode = `${SERVER_CAPS_NODE}#${serverCapsVer(ctx.disco)}`;
      const asked = payload.attrs.node === capsNode ? capsNode : undefined;
      if (asked === undefined) expectGetWithoutNode(iq, payload);
      else if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'service discovery requests are IQ gets');
      const query = new Element('query', { xmlns: NS.DISCO_INFO, ...(asked ? { node: asked } : {}) });
      for (const identity of ctx.disco.identities) query.c('identity', { ...identity });
      for (const feature of [...ctx.disco.features].sort()) query.c('feature', { var: feature });
      return query;
    };
    const serverItems = ({ iq, payload }: IqRequest): Element => {
      expectGetWithoutNode(iq, payload);
      const query = new Element('query', { xmlns: NS.DISCO_ITEMS });
      for (const item of ctx.disco.items) query.c('item', { ...item });
      return query;
    };
    const accountInfo = async ({ iq, payload, from, to }: IqRequest): Promise<Element> => {
      expectGetWithoutNode(iq, payload);
      await requireAccountVisible(ctx, from, to);
      const query = new Element('query', { xmlns: NS.DISCO_INFO });
      query.c('identity', { category: 'account', type: 'registered' });
      if (pep.current) query.c('identity', { ...PEP_IDENTITY });
      query.c('feature', { var: NS.DISCO_INFO });
      if (pep.current) for (const feature of PEP_FEATURES) query.c('feature', { var: feature });
      for (const feature of [...ctx.disco.accountFeatures].sort()) query.c('feature', { var: feature });
      return query;
    };
    const accountItems = async ({ iq, payload, from, to }: IqRequest): Promise<Element> => {
      expectGetWithoutNode(iq, payload);
      await requireAccountVisible(ctx, from, to);
      const query = new Element('query', { xmlns: NS.DISCO_ITEMS });
      // XEP-0060 section 5.2: the account's PEP nodes, those the asker may read.
      for (const node of (await pep.current?.nodesVisibleTo(to.bare, from.bare)) ?? []) query.c('item', { jid: to.bare, node });
      return query;
    };

    module.iq.register('server', NS.DISCO_INFO, serverInfo);
    module.iq.register('server', NS.DISCO_ITEMS, serverItems);
    module.iq.register('account', NS.DISCO_INFO, accountInfo);
    module.iq.register('account', NS.DISCO_ITEMS, accountItems);
    module.disco.addFeature(NS.DISCO_INFO);
    module.disco.addFeature(NS.DISCO_ITEMS);
  },
});

function expectGetWithoutNode(iq: Element, payload: Element): void {
  if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'service discovery requests are IQ gets');
  // No node of this server has its own info or items yet.
  if (payload.attrs.node !== undefined) throw new StanzaError('item-not-found', `no node ${String(payload.attrs.node)}`);
}

async function requireAccountVisible(ctx: CoreContext, from: Jid, to: Jid): Promise<void> {
  if (from.bare === to.bare) return;
  const item = await ctx.stores.rosters.getItem(to.local!, from.bare);
  if (item && (item.subscription === 'from' || item.subscription === 'both')) return;
  throw new StanzaError('service-unavailable');
}
