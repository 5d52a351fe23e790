import type { Element } from 'ltx';
import { StanzaError, tryParseJid } from '../../xml';
import type { IqHandler } from '../../routing';
import type { PushStore } from './push-store';

const DATA_FORMS = 'jabber:x:data';

export interface PushIqLimits {
  maxRegistrationsPerUser: () => number;
}

function appServer(payload: Element): string {
  const jid = tryParseJid(String(payload.attrs.jid ?? ''));
  if (!jid) throw new StanzaError('bad-request', `the ${payload.name} element needs the app server's JID in its jid attribute`);
  return jid.full;
}

/** XEP-0357 enable and disable, by an account for itself only. */
export function pushIqHandler(store: PushStore, limits: PushIqLimits): IqHandler {
  return async ({ iq, payload, from, to }) => {
    if (iq.attrs.type !== 'set') throw new StanzaError('bad-request', 'enable and disable are IQ sets');
    if (from.bare !== to.bare) throw new StanzaError('forbidden', 'only the account itself may change where its notifications go');
    const username = to.local!;
    const jid = appServer(payload);
    const node = payload.attrs.node === undefined ? undefined : String(payload.attrs.node);
    if (payload.name === 'disable') {
      await store.disable(username, jid, node);
      return;
    }
    if (payload.name !== 'enable') throw new StanzaError('bad-request', 'expected <enable/> or <disable/>');
    if (!node) throw new StanzaError('bad-request', 'the enable element needs the node attribute');
    const form = payload.getChild('x', DATA_FORMS);
    if (form && form.attrs.type !== 'submit') throw new StanzaError('bad-request', 'the publish-options form must be of type submit');
    const registered = await store.of(username);
    if (!registered.some((r) => r.jid === jid && r.node === node) && registered.length >= limits.maxRegistrationsPerUser()) {
      throw new StanzaError('resource-constraint', `an account may enable push on at most ${limits.maxRegistrationsPerUser()} app servers (modules.push.config.maxRegistrationsPerUser)`, 'cancel');
    }
    await store.enable(username, { jid, node, options: form ? form.toString() : null });
  };
}
