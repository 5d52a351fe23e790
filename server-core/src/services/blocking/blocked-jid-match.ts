import { tryParseJid } from '../../xml';

/**
 * Whether `other` matches an item of `blocklist` (XEP-0191 section 3.4, using the privacy list
 * JID matching of XEP-0016): an item blocks that exact JID, a bare JID item all its resources,
 * a domain item everyone at that domain, a domain/resource item that resource of the domain.
 */
export function matchesBlocklist(blocklist: readonly string[], other: string): boolean {
  if (blocklist.length === 0) return false;
  const jid = tryParseJid(other);
  if (!jid) return false;
  const candidates = [jid.full, jid.bare, jid.domain];
  if (jid.resource !== null) candidates.push(`${jid.domain}/${jid.resource}`);
  return candidates.some((candidate) => blocklist.includes(candidate));
}
