/** Stanza matchers and IQs the multi-process Asterisk-IM tests share. */
import type { Element } from 'ltx';
import { isPhonePresence, mark, PHONE_NS } from '../../plugins/asterisk-im/test/phone-world';
import { iqFailure, roundTrip } from '../../server-core/testing/world';
import { xml, type TestClient } from '../support/xmpp-client';

export { isPhonePresence, mark, PHONE_NS, iqFailure };
export { passMarker } from '../cluster/cluster-steps';

export const DOMAIN = 'localhost';

/** Any presence from that session that also satisfies `match`. */
export const presenceFrom = (client: TestClient, match: (s: Element) => boolean = () => true) => (s: Element) =>
  s.is('presence') && s.attrs.from === client.jid && match(s);

/** An available presence without the phone parts. */
export const notPhone = (s: Element): boolean => s.attrs.type === undefined && !isPhonePresence(s);

export const phoneEvent = (type: string, callerID?: string) => (s: Element) => {
  const event = s.is('message') && s.attrs.from === `phone.${DOMAIN}` ? s.getChild('phone-event', PHONE_NS) : undefined;
  return event?.attrs.type === type && (callerID === undefined || event.getChildText('callerID') === callerID);
};

export function phoneAction(type: string, target: Element, attrs: Record<string, string> = {}): Element {
  return xml('iq', { type: 'set', to: `phone.${DOMAIN}` }, xml('phone-action', { xmlns: PHONE_NS, type, ...attrs }, target));
}

/** The client's latest presence from `from`, or undefined. */
export function lastPresence(client: TestClient, from: TestClient): Element | undefined {
  return client.received.filter(presenceFrom(from)).pop();
}

/** Everything the server sent this client before is in once a ping comes back. */
export const settle = (client: TestClient): Promise<void> => roundTrip(client, DOMAIN);

