import { Element } from 'ltx';
import { NS, StanzaError, parseXml } from '../../xml';
import type { IqRequest } from '../../routing';
import type { ArchivedMessage, ArchiveStore } from './archive-store';
import { parsePrefs, prefsElement, type ArchivePrefs } from './archive-prefs';
import { parseQuery, queryForm, type PageLimits } from './archive-query';

export interface ArchiveIqDeps {
  store: ArchiveStore;
  prefs: ArchivePrefs;
  limits: () => PageLimits;
  /** Tells every node to drop its copy of a user's preferences. */
  prefsChanged(owner: string): Promise<void>;
  deliverToResource(fullJid: string, stanza: Element): boolean;
}

/** XEP-0313 4.2: one archived message as the querying resource receives it. */
function resultMessage(owner: string, requester: string, queryId: string | undefined, archived: ArchivedMessage): Element {
  const message = new Element('message', { to: requester, from: owner });
  const result = message.c('result', { xmlns: NS.MAM, id: archived.id, ...(queryId !== undefined ? { queryid: queryId } : {}) });
  const forwarded = result.c('forwarded', { xmlns: NS.FORWARD });
  forwarded.c('delay', { xmlns: NS.DELAY, stamp: new Date(archived.ts).toISOString() });
  const original = parseXml(archived.stanza);
  original.attrs.xmlns = NS.CLIENT;
  forwarded.cnode(original);
  return message;
}

/**
 * The `urn:xmpp:mam:2` IQs to a user's own bare JID: the query form, queries (results as
 * messages to the asking resource, then `<fin/>`), the archiving preferences and the
 * archive's metadata (first and last message).
 */
export function archiveIqHandler(deps: ArchiveIqDeps) {
  const query = async ({ iq, payload, from, to }: IqRequest): Promise<Element | void> => {
    if (iq.attrs.type === 'get') return queryForm();
    const owner = to.local!;
    const parsed = parseQuery(payload, owner, deps.limits());
    for (const anchor of parsed.anchors) {
      if (!(await deps.store.exists(owner, anchor))) throw new StanzaError('item-not-found', `no message ${anchor} in this archive`);
    }
    const { limit } = parsed.criteria;
    // One more than asked tells whether this page is the last one in its direction.
    const rows = await deps.store.page({ ...parsed.criteria, limit: limit + 1 });
    const more = rows.length > limit;
    const page = parsed.criteria.fromEnd ? rows.slice(more ? rows.length - limit : 0) : rows.slice(0, limit);
    const sent = parsed.flipPage ? [...page].reverse() : page;
    for (const archived of sent) deps.deliverToResource(from.full, resultMessage(to.bare, from.full, parsed.queryId, archived));
    const fin = new Element('fin', { xmlns: NS.MAM, ...(more ? {} : { complete: 'true' }) });
    const set = fin.c('set', { xmlns: NS.RSM });
    if (page.length > 0) {
      set.c('first').t(page[0]!.id);
      set.c('last').t(page[page.length - 1]!.id);
    } else {
      set.c('count').t('0');
    }
    return fin;
  };

  const prefs = async ({ iq, payload, to }: IqRequest): Promise<Element> => {
    const owner = to.local!;
    if (iq.attrs.type === 'set') {
      await deps.prefs.set(owner, parsePrefs(payload));
      await deps.prefsChanged(owner);
    }
    return prefsElement(await deps.prefs.get(owner));
  };

  // #extended: where the archive starts and ends, so a client knows what it has yet to fetch.
  const metadata = async ({ iq, to }: IqRequest): Promise<Element> => {
    if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'archive metadata is read with an IQ get');
    const owner = to.local!;
    const [first] = await deps.store.page({ owner, fromEnd: false, limit: 1 });
    const [last] = await deps.store.page({ owner, fromEnd: true, limit: 1 });
    const element = new Element('metadata', { xmlns: NS.MAM });
    if (first && last) {
      element.c('start', { id: first.id, timestamp: new Date(first.ts).toISOString() });
      element.c('end', { id: last.id, timestamp: new Date(last.ts).toISOString() });
    }
    return element;
  };

  return async (request: IqRequest): Promise<Element | void> => {
    // A user's archive is the user's own: nobody else may read it or change how it is kept.
    if (request.from.bare !== request.to.bare) throw new StanzaError('forbidden', 'only the owner of an archive may query it');
    if (request.payload.name === 'query') return query(request);
    if (request.payload.name === 'prefs') return prefs(request);
    if (request.payload.name === 'metadata') return metadata(request);
    throw new StanzaError('feature-not-implemented', `<${request.payload.name}/> is not a MAM request this server answers; ask with <query/>, <prefs/> or <metadata/>`);
  };
}
