import { tryParseJid } from '../../xml';

/** Lists are checked on every stanza: a list's lookup set is built once per list object. */
const lookups = new WeakMap<readonly string[], ReadonlySet<string>>();

function lookupOf(blocklist: readonly string[]): ReadonlySet<string> {
  let set = lookups.get(blocklist);
  if (!set) lookups.set(blocklist, (set = new Set(blocklist)));
  return set;
}

/**
 * Whether `other` matches an item of `blocklist` (XEP-0191 section 3.4, using the privacy list
 * JID matching of XEP-0016): an item blocks that exact JID, a bare JID item all its resources,
 * a domain item everyone at that domain, a domain/resource item that resource of the domain.
 */
export function matchesBlocklist(blocklist: readonly string[], other: string): boolean {
  if (blocklist.length === 0) return false;
  const jid = tryParseJid(other);
  if (!jid) return false;
  const items = lookupOf(blocklist);
  if (items.has(jid.full) || items.has(jid.bare) || items.has(jid.domain)) return true;
  return jid.resource !== null && items.has(`${jid.domain}/${jid.resource}`);
}
