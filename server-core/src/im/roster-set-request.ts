import type { Element } from 'ltx';
import { parseJid, JidError, StanzaError } from '../xml';

/** Longest name or group accepted, in characters (RFC 6121 2.3.3 lets the server choose). */
const MAX_TEXT_LENGTH = 1023;
/**
 * Name and groups of one item together: with the roster capped by limits.rosterItemsPerUser,
 * this caps the roster's size too (otherwise each item could be as big as a stanza).
 */
const MAX_ITEM_TEXT = 4096;

export type RosterSetRequest = { kind: 'remove'; jid: string } | { kind: 'update'; jid: string; name: string | null; groups: string[] };

function elementChildren(element: Element): Element[] {
  return element.children.filter((c): c is Element => typeof c !== 'string');
}

/**
 * Reads and validates the `<query/>` of a roster set (RFC 6121 2.3.2, 2.3.3). Values of
 * `subscription` other than "remove" and any `ask` are ignored: clients cannot set them.
 */
export function parseRosterSet(query: Element, owner: string): RosterSetRequest | StanzaError {
  const items = elementChildren(query).filter((c) => c.name === 'item');
  if (items.length !== 1) return new StanzaError('bad-request', 'a roster set carries exactly one item');
  const item = items[0];
  const rawJid = item.attrs.jid as string | undefined;
  if (!rawJid) return new StanzaError('bad-request', 'the item has no jid');
  let jid: string;
  try {
    jid = parseJid(rawJid).full;
  } catch (err) {
    if (err instanceof JidError) return new StanzaError('jid-malformed', err.message);
    throw err;
  }
  if (jid === owner) return new StanzaError('not-allowed', 'your own address cannot be in your roster');
  if (item.attrs.subscription === 'remove') return { kind: 'remove', jid };
  const name = (item.attrs.name as string | undefined) ?? '';
  if (name.length > MAX_TEXT_LENGTH) return new StanzaError('not-acceptable', `the name is longer than ${MAX_TEXT_LENGTH} characters`);
  const groups: string[] = [];
  for (const group of elementChildren(item).filter((c) => c.name === 'group')) {
    const text = group.getText();
    if (text.length === 0) return new StanzaError('not-acceptable', 'a group name must not be empty');
    if (text.length > MAX_TEXT_LENGTH) return new StanzaError('not-acceptable', `a group name is longer than ${MAX_TEXT_LENGTH} characters`);
    if (groups.includes(text)) return new StanzaError('bad-request', `the group "${text}" is listed twice`);
    groups.push(text);
  }
  const total = groups.reduce((sum, group) => sum + group.length, name.length);
  if (total > MAX_ITEM_TEXT) return new StanzaError('not-acceptable', `the name and groups of an item may hold at most ${MAX_ITEM_TEXT} characters in all (got ${total})`);
  return { kind: 'update', jid, name: name === '' ? null : name, groups };
}
