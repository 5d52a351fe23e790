import { Element } from 'ltx';
import { NS, StanzaError, parseJid, JidError, appendChildrenInTurns } from '../../xml';
import type { IqRequest } from '../../routing';
import type { CoreContext } from '../../core/core-context';
import { limitError } from '../../core/limit-error';
import type { BlocklistCache } from './blocklist-cache';
import type { BlocklistPushes } from './blocklist-pushes';
import type { BlockingPresence } from './blocking-presence';

/**
 * The XEP-0191 IQs on the user's own account: get the blocklist (which also subscribes the
 * resource to pushes), block JIDs, unblock JIDs or everything. Blocking and unblocking tell
 * the contacts concerned through presence (see BlockingPresence).
 */
export function blockingIqHandler(ctx: CoreContext, lists: BlocklistCache, pushes: BlocklistPushes, presence: BlockingPresence) {
  const store = ctx.stores.blocklists;
  return async ({ iq, payload, from, to, session }: IqRequest): Promise<Element | void> => {
    if (from.bare !== to.bare) throw new StanzaError('service-unavailable');
    const owner = to.bare;
    const username = to.local!;
    switch (payload.name) {
      case 'blocklist': {
        expectType(iq, 'get');
        if (session) session.blocklistRequested = true;
        return appendChildrenInTurns(new Element('blocklist', { xmlns: NS.BLOCKING }), await lists.list(owner), itemElement);
      }
      case 'block': {
        expectType(iq, 'set');
        const jids = itemJids(payload);
        if (jids.length === 0) throw new StanzaError('bad-request', 'a block request names at least one JID');
        const current = new Set(await lists.list(owner));
        const added = jids.filter((jid) => !current.has(jid));
        if (current.size + added.length > ctx.limits.blocklistItemsPerUser) {
          throw limitError('resource-constraint', `blocking ${added.length} more JIDs would take the blocklist past its limit (it holds ${current.size})`, ctx.limits, 'blocklistItemsPerUser');
        }
        await store.add(username, jids);
        await lists.reload(owner);
        await pushes.push(owner, listElement('block', jids));
        await presence.blocked(owner, added);
        return;
      }
      case 'unblock': {
        expectType(iq, 'set');
        const jids = itemJids(payload); // none: unblock everyone
        const current = await lists.list(owner);
        const listed = new Set(current);
        const removed = jids.length === 0 ? current : jids.filter((jid) => listed.has(jid));
        await store.remove(username, jids);
        await lists.reload(owner);
        await pushes.push(owner, listElement('unblock', jids));
        await presence.unblocked(owner, removed);
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

const itemElement = (jid: string): Element => new Element('item', { jid });

function listElement(name: 'block' | 'unblock', jids: readonly string[]): Element {
  const element = new Element(name, { xmlns: NS.BLOCKING });
  for (const jid of jids) element.cnode(itemElement(jid));
  return element;
}
