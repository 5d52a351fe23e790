import type { Element } from 'ltx';
import { NS } from '../../xml';
import { isVerifiableHash } from './caps-verification';

/** Longer node or ver attributes are not capabilities any client sends; they are ignored. */
const MAX_ATTRIBUTE_CHARS = 512;

/** The XEP-0115 `<c/>` of a presence and where the features it stands for are remembered. */
export interface AdvertisedCaps {
  node: string;
  ver: string;
  /** A hash this server verifies; undefined for the legacy format and for hashes it does not know. */
  hash: string | undefined;
  /**
   * A verified ver means the same features whoever sends it, so it is remembered by hash and
   * ver; anything else is taken on trust for the resource that answered only (section 5.4).
   */
  key: string;
}

export function advertisedCaps(presence: Element, fullJid: string): AdvertisedCaps | undefined {
  const c = presence.getChild('c', NS.CAPS);
  if (!c) return undefined;
  const { node, ver, hash } = c.attrs as Record<string, unknown>;
  if (!isAttribute(node) || !isAttribute(ver)) return undefined;
  if (typeof hash === 'string' && isVerifiableHash(hash)) return { node, ver, hash, key: `ver ${hash} ${ver}` };
  return { node, ver, hash: undefined, key: `jid ${fullJid} ${node}#${ver}` };
}

const isAttribute = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ATTRIBUTE_CHARS;
