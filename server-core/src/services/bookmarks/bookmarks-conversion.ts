import { Element, clone } from 'ltx';
import { StanzaError, parseJid, JidError } from '../../xml';
import type { PepItem } from '../../core/pep-api';

export const BOOKMARKS_NODE = 'urn:xmpp:bookmarks:1';
export const LEGACY_BOOKMARKS = 'storage:bookmarks';

const isTrue = (value: unknown): boolean => value === 'true' || value === '1';

/**
 * XEP-0048 `<conference jid name autojoin><nick/><password/></conference>` entries of a
 * storage:bookmarks element as XEP-0402 items (id: the room's JID). `existing` items lend
 * their `<extensions/>`, which XEP-0048 has no place for, so a legacy client's edit keeps them.
 */
export function legacyToItems(storage: Element, existing: ReadonlyMap<string, Element>): Map<string, Element> {
  const out = new Map<string, Element>();
  for (const conference of storage.getChildren('conference')) {
    const jid = roomJid(conference.attrs.jid);
    const attrs: Record<string, string> = { xmlns: BOOKMARKS_NODE };
    if (conference.attrs.name) attrs.name = String(conference.attrs.name);
    if (isTrue(conference.attrs.autojoin)) attrs.autojoin = 'true';
    const item = new Element('conference', attrs);
    const nick = conference.getChildText('nick');
    if (nick) item.c('nick').t(nick);
    const password = conference.getChildText('password');
    if (password) item.c('password').t(password);
    const extensions = existing.get(jid)?.getChild('extensions');
    if (extensions) item.cnode(clone(extensions));
    out.set(jid, item);
  }
  return out;
}

/** XEP-0402 items as XEP-0048 conferences, after the non-conference entries (urls) of the stored legacy element. */
export function itemsToLegacy(items: readonly PepItem[], stored: Element | undefined): Element {
  const storage = new Element('storage', { xmlns: LEGACY_BOOKMARKS });
  for (const other of stored?.getChildElements() ?? []) if (other.name !== 'conference') storage.cnode(clone(other));
  for (const { id, payload } of items) {
    if (payload.name !== 'conference' || payload.attrs.xmlns !== BOOKMARKS_NODE) continue;
    const attrs: Record<string, string> = { jid: id, autojoin: isTrue(payload.attrs.autojoin) ? 'true' : 'false' };
    if (payload.attrs.name) attrs.name = String(payload.attrs.name);
    const conference = storage.c('conference', attrs);
    const nick = payload.getChildText('nick');
    if (nick) conference.c('nick').t(nick);
    const password = payload.getChildText('password');
    if (password) conference.c('password').t(password);
  }
  return storage;
}

function roomJid(value: unknown): string {
  try {
    const jid = parseJid(String(value ?? ''));
    if (jid.resource === null && jid.local !== null) return jid.bare;
  } catch (err) {
    if (!(err instanceof JidError)) throw err;
  }
  throw new StanzaError('bad-request', `a bookmarked conference has the bare JID of a room, not '${String(value ?? '')}'`);
}
