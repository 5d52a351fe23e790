import { Element } from 'ltx';
import { StanzaError, type IqHandler } from '@asterisk-im/server-core';
import { PRIVACY_NS } from '../namespaces';
import type { AsteriskImRuntime } from '../runtime';
import { isPhoneVisibility } from '../store';

/**
 * `<privacy xmlns='urn:asterisk-im:privacy:0'/>` to `phone.<domain>`: a user reads (get) or
 * chooses (set, `visibility='contacts'|'nobody'|'default'`) who sees their phone state. Only
 * for the sender's own account; the answer says what applies and what the server's default is.
 */
export function privacyHandler(runtime: AsteriskImRuntime): IqHandler {
  const { store, ctx } = runtime;
  const answer = (user: string): Element =>
    new Element('privacy', { xmlns: PRIVACY_NS, visibility: store.privacy.of(user), default: store.settings.get().phoneVisibility, chosen: String(store.privacy.chosen(user) !== null) });
  return async ({ iq, payload, from }) => {
    if (!from.local || from.domain !== ctx.domain.toLowerCase()) throw new StanzaError('forbidden', 'only users of this server have a phone state');
    const user = from.bare;
    if (iq.attrs.type === 'get') return answer(user);
    const wanted = payload.attrs.visibility as string | undefined;
    if (wanted !== 'default' && !isPhoneVisibility(wanted)) throw new StanzaError('bad-request', "visibility must be 'contacts', 'nobody' or 'default'");
    await store.privacy.set(user, wanted === 'default' ? null : wanted);
    return answer(user);
  };
}
