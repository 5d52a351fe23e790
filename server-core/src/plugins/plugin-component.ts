import { Element } from 'ltx';
import type { ComponentHandler, StanzaRouter } from '../routing';
import { NS, StanzaError, iqPayload, iqResult, parseJid, type Jid } from '../xml';
import type { ComponentOptions, DiscoItem, PluginIqHandler } from './types';

/** `'phone'` → `phone.<domain>`; a name with a dot is already a full address. */
export function componentDomain(address: string, domain: string): string {
  const trimmed = address.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(trimmed)) throw new Error(`invalid component address "${address}"`);
  return trimmed.includes('.') ? trimmed : `${trimmed}.${domain}`;
}

/**
 * Turns a component description into the router's handler: disco#info and #items are answered
 * from the description, IQ get/set by namespace, messages and presence by the plugin's callbacks.
 */
export function componentHandler(domain: string, options: ComponentOptions, router: StanzaRouter): ComponentHandler {
  const identities = options.identities ?? [{ category: 'component', type: 'generic', ...(options.name ? { name: options.name } : {}) }];
  const features = [...new Set([NS.DISCO_INFO, NS.DISCO_ITEMS, ...(options.features ?? [])])].sort();
  // Own properties only, read at each request (a plugin may add handlers later): a payload
  // namespace such as `__proto__` or `constructor` must not find a prototype member.
  const iqHandler = (namespace: string | undefined): PluginIqHandler | undefined =>
    namespace !== undefined && options.iq && Object.hasOwn(options.iq, namespace) ? options.iq[namespace] : undefined;
  const items = (): DiscoItem[] => (typeof options.items === 'function' ? options.items() : (options.items ?? []));

  const discoInfo = (): Element => {
    const query = new Element('query', { xmlns: NS.DISCO_INFO });
    for (const identity of identities) query.c('identity', { ...identity });
    for (const feature of features) query.c('feature', { var: feature });
    return query;
  };
  const discoItems = (): Element => {
    const query = new Element('query', { xmlns: NS.DISCO_ITEMS });
    for (const item of items()) query.c('item', { ...item });
    return query;
  };

  const answerIq = async (iq: Element, from: Jid, to: Jid): Promise<void> => {
    const type = iq.attrs.type;
    if (type === 'result' || type === 'error') return;
    if (type !== 'get' && type !== 'set') throw new StanzaError('bad-request', 'IQ type must be get, set, result or error');
    const payload = iqPayload(iq);
    if (!payload) throw new StanzaError('bad-request', 'an IQ get or set carries exactly one child element');
    const namespace = payload.attrs.xmlns as string | undefined;
    let result: Element | void;
    if ((namespace === NS.DISCO_INFO || namespace === NS.DISCO_ITEMS) && !iqHandler(namespace)) {
      if (type !== 'get') throw new StanzaError('bad-request', 'service discovery requests are IQ gets');
      if (payload.attrs.node !== undefined) throw new StanzaError('item-not-found', `no node ${String(payload.attrs.node)}`);
      result = namespace === NS.DISCO_INFO ? discoInfo() : discoItems();
    } else {
      const handler = iqHandler(namespace);
      if (!handler) throw new StanzaError('service-unavailable');
      result = await handler({ iq, payload, from, to });
    }
    const reply = iqResult(iq, result ?? undefined);
    reply.attrs.from = to.full;
    await router.route(reply, parseJid(domain));
  };

  return async (stanza, from, to) => {
    if (stanza.name === 'iq') return answerIq(stanza, from, to);
    if (stanza.name === 'message') {
      if (options.message) return options.message(stanza, from, to);
      if (stanza.attrs.type !== 'error') throw new StanzaError('service-unavailable');
      return;
    }
    if (stanza.name === 'presence' && options.presence) return options.presence(stanza, from, to);
  };
}
