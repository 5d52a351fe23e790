/**
 * Entity capabilities (XEP-0115) for the test and benchmark clients: the `<c/>` a client puts
 * in its presence and the disco#info answer it gives when the server asks what the ver means.
 */
import { Element } from 'ltx';
import { capsHash, readDiscoInfo, verificationString } from '../../server-core/src/services/caps';

export const CAPS_NS = 'http://jabber.org/protocol/caps';
export const DISCO_INFO_NS = 'http://jabber.org/protocol/disco#info';

/** What a typical chat client supports, and not a single `+notify`: it follows no PEP node. */
export const CHAT_CLIENT_FEATURES: readonly string[] = [
  'http://jabber.org/protocol/caps',
  'http://jabber.org/protocol/chatstates',
  'http://jabber.org/protocol/disco#info',
  'http://jabber.org/protocol/disco#items',
  'http://jabber.org/protocol/muc',
  'jabber:iq:version',
  'urn:xmpp:carbons:2',
  'urn:xmpp:ping',
  'urn:xmpp:receipts',
  'urn:xmpp:time',
];

/** The features by which a client asks for the PEP events of `nodes`. */
export const notifyOf = (...nodes: string[]): string[] => nodes.map((node) => `${node}+notify`);

export interface ClientCaps {
  features: readonly string[];
  /** The software's caps node; a test default otherwise. */
  node?: string;
  /** Advertise this ver instead of the one the features hash to: caps that do not verify. */
  ver?: string;
  /** The format before XEP-0115 1.4: no hash, and a ver that is a version number. */
  legacy?: boolean;
  /** How the client meets the server's disco#info request; `result` unless told. */
  answer?: 'result' | 'error' | 'silent';
}

/** A chat client that follows the PEP `nodes` besides its usual features. */
export const chatClientCaps = (...nodes: string[]): ClientCaps => ({ features: [...CHAT_CLIENT_FEATURES, ...notifyOf(...nodes)] });

export class ClientCapabilities {
  readonly node: string;
  readonly ver: string;

  constructor(readonly caps: ClientCaps) {
    this.node = caps.node ?? 'https://asterisk-im.example/test-client';
    this.ver = caps.ver ?? (caps.legacy ? '1.0' : capsHash('sha-1', verificationString(readDiscoInfo(this.answer()))));
  }

  /** The `<c/>` of the client's presence. */
  element(): Element {
    const attrs = { xmlns: CAPS_NS, node: this.node, ver: this.ver };
    return new Element('c', this.caps.legacy ? attrs : { ...attrs, hash: 'sha-1' });
  }

  /** The `<query/>` of the disco#info result, for the node asked about. */
  answer(node?: string): Element {
    const query = new Element('query', node === undefined ? { xmlns: DISCO_INFO_NS } : { xmlns: DISCO_INFO_NS, node });
    query.c('identity', { category: 'client', type: 'pc', name: 'Asterisk-IM test client' });
    for (const feature of this.caps.features) query.c('feature', { var: feature });
    return query;
  }
}
