import { Element } from 'ltx';
import { NS } from '../../xml';
import type { DiscoInfoProvider } from '../../core/core-context';
import { capsHash, verificationString } from './caps-verification';

/** The XEP-0115 node naming this server software; `<node>#<ver>` answers the server's disco#info. */
export const SERVER_CAPS_NODE = 'urn:asterisk-im:caps';

let memo: { key: string; ver: string } | undefined;

/**
 * The `ver` of the server's own disco#info (its identities and features, as the disco module
 * answers them), recomputed only when modules changed what it holds.
 */
export function serverCapsVer(disco: DiscoInfoProvider): string {
  const features = [...disco.features];
  const identities = disco.identities.map((id) => ({ category: id.category, type: id.type, lang: '', name: id.name ?? '' }));
  const key = JSON.stringify([identities, features.sort()]);
  if (memo?.key !== key) memo = { key, ver: capsHash('sha-1', verificationString({ identities, features, forms: [] })) };
  return memo.ver;
}

/** XEP-0115 6.3: the server's `<c/>` in its stream features. */
export function serverCapsElement(disco: DiscoInfoProvider): Element {
  return new Element('c', { xmlns: NS.CAPS, hash: 'sha-1', node: SERVER_CAPS_NODE, ver: serverCapsVer(disco) });
}
