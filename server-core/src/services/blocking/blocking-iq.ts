import { Element } from 'ltx';
import { NS, StanzaError, parseJid, JidError } from '../../xml';
import type { IqRequest } from '../../routing';
import type { BlocklistCache } from './blocklist-cache';
import type { BlocklistPushes } from './blocklist-pushes';
import type { BlocklistStore } from '../../storage/stores';

/**
 * The XEP-0191 IQs on the user's own account: get the blocklist (which also subscribes the
 * resource to pushes), block JIDs, unblock JIDs or everything.
 */
export function blockingIqHandler(store: BlocklistStore, lists: BlocklistCache, pushes: BlocklistPushes) {
  return async ({ iq, payload, from, to, session }: IqRequest): Promise<Element | void> => {
    if (from.bare !== to.bare) throw new StanzaError('service-unavailable');
    const owner = to.bare;
    const username = to.local!;
    switch (payload.name) {
      case 'blocklist': {
        expectType(iq, 'get');
        if (session) session.blocklistRequested = true;
        return listElement('blocklist', await lists.list(owner));
      }
      case 'block': {
        expectType(iq, 'set');
        const jids = itemJids(payload);
        if (jids.length === 0) throw new StanzaError('bad-request', 'a block request names at least one JID');
        await store.add(username, jids);
        await lists.reload(owner);
        await pushes.push(owner, listElement('block', jids));
        return;
      }
      case 'unblock': {
        expectType(iq, 'set');
        const jids = itemJids(payload); // none: unblock everyone
        await store.remove(username, jids);
        await lists.reload(owner);
        await pushes.push(owner, listElement('unblock', jids));
        return;
      }
      default:
        throw new StanzaError('bad-request', `unknown blocking request <${payload.name}/>`);
    }
  };
}

function expectType(iq: Element, type: 'get' | 'set'): void {
  if (iq.attrs.type !== type) throw new StanzaError('bad-request', `this blocking request is an IQ ${type}`);
}

function itemJids(payload: Element): string[] {
  const jids = payload.getChildren('item').map((item) => {
    const value = item.attrs.jid as string | undefined;
    if (!value) throw new StanzaError('bad-request', 'every <item/> needs a jid');
    try {
      return parseJid(value).full;
    } catch (err) {
      if (err instanceof JidError) throw new StanzaError('jid-malformed', `${value}: ${err.message}`);
      throw err;
    }
  });
  return [...new Set(jids)];
}

function listElement(name: 'blocklist' | 'block' | 'unblock', jids: readonly string[]): Element {
  const element = new Element(name, { xmlns: NS.BLOCKING });
  for (const jid of jids) element.c('item', { jid });
  return element;
}
