import { Element } from 'ltx';
import { NS, StanzaError, type IqHandler, type PluginContext } from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import { CALL_LOG_NS, PRIVACY_NS, VOICEMAIL_NS } from '../namespaces';
import type { PhoneComponent } from '../runtime';
import type { PhoneStore } from '../store';

/** The disco#info feature Spark looks for to show its phone controls. */
export const PHONE_FEATURE = 'http://jivesoftware.com/phone';
const IDENTITY = { category: 'directory', type: 'phone', name: 'Phone' };

/**
 * `phone.<domain>`: answers disco (with `node` = a username or a bare JID: whether that user has
 * a phone) and the IQ handlers the plugin's parts add.
 */
export function registerPhoneComponent(ctx: PluginContext<AsteriskImConfig>, store: PhoneStore): PhoneComponent {
  const handlers: Record<string, IqHandler> = {};
  handlers[NS.DISCO_INFO] = ({ iq, payload }) => {
    if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'service discovery requests are IQ gets');
    const node = payload.attrs.node as string | undefined;
    const query = new Element('query', { xmlns: NS.DISCO_INFO, ...(node !== undefined ? { node } : {}) });
    query.c('identity', IDENTITY);
    query.c('feature', { var: NS.DISCO_INFO });
    if (node === undefined) {
      query.c('feature', { var: NS.DISCO_ITEMS });
      query.c('feature', { var: PHONE_FEATURE });
      query.c('feature', { var: CALL_LOG_NS });
      query.c('feature', { var: VOICEMAIL_NS });
      query.c('feature', { var: PRIVACY_NS });
      return query;
    }
    const user = node.includes('@') ? node.toLowerCase() : `${node.toLowerCase()}@${ctx.domain}`;
    if (store.devices.ofUser(user).length > 0) query.c('feature', { var: PHONE_FEATURE });
    return query;
  };
  const component = ctx.components.register('phone', { name: 'Phone', identities: [IDENTITY], features: [PHONE_FEATURE, CALL_LOG_NS, VOICEMAIL_NS, PRIVACY_NS], iq: handlers });
  return {
    domain: component.domain,
    send: (stanza) => component.send(stanza),
    addIqHandler(namespace, handler) {
      if (Object.hasOwn(handlers, namespace)) throw new Error(`an IQ handler for ${namespace} is already registered on ${component.domain}`);
      handlers[namespace] = handler;
      return () => {
        if (handlers[namespace] === handler) delete handlers[namespace];
      };
    },
  };
}
