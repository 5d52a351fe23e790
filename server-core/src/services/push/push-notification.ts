import { Element } from 'ltx';
import { parseXml } from '../../xml';
import type { PushRegistration } from './push-store';

export const PUSH_NS = 'urn:xmpp:push:0';
const PUBSUB = 'http://jabber.org/protocol/pubsub';
const SUMMARY = 'urn:xmpp:push:summary';

export interface PushSummary {
  messageCount: number;
  sender?: string;
  body?: string;
}

function field(form: Element, name: string, value: string): void {
  form.c('field', { var: name }).c('value').t(value);
}

/**
 * The publish IQ to the app server (XEP-0357 section 7): a notification with the
 * urn:xmpp:push:summary form, and the publish-options the client gave when it enabled push
 * (typically the secret the app server checks).
 */
export function notificationIq(owner: string, registration: PushRegistration, summary: PushSummary, id: string): Element {
  const iq = new Element('iq', { type: 'set', from: owner, to: registration.jid, id });
  const pubsub = iq.c('pubsub', { xmlns: PUBSUB });
  const form = pubsub.c('publish', { node: registration.node }).c('item').c('notification', { xmlns: PUSH_NS }).c('x', { xmlns: 'jabber:x:data', type: 'submit' });
  field(form, 'FORM_TYPE', SUMMARY);
  field(form, 'message-count', String(summary.messageCount));
  if (summary.sender !== undefined) field(form, 'last-message-sender', summary.sender);
  if (summary.body !== undefined) field(form, 'last-message-body', summary.body);
  if (registration.options) pubsub.c('publish-options').cnode(parseXml(registration.options));
  return iq;
}
