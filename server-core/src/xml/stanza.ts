import { Element, clone } from 'ltx';
import { NS } from './namespaces';

/** Stanza error types and conditions of RFC 6120 8.3. */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';
export type StanzaErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'gone'
  | 'internal-server-error'
  | 'item-not-found'
  | 'jid-malformed'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'policy-violation'
  | 'recipient-unavailable'
  | 'redirect'
  | 'registration-required'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'subscription-required'
  | 'undefined-condition'
  | 'unexpected-request';

const DEFAULT_TYPE: Record<StanzaErrorCondition, StanzaErrorType> = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
};

/** A stanza error as a value; handlers throw or return it and the pipeline answers the sender. */
export class StanzaError extends Error {
  readonly type: StanzaErrorType;
  constructor(
    readonly condition: StanzaErrorCondition,
    readonly text?: string,
    type?: StanzaErrorType,
    /** Application-specific child, e.g. <blocked xmlns='urn:xmpp:blocking:errors'/> */
    readonly appCondition?: Element,
  ) {
    super(text ?? condition);
    this.name = 'StanzaError';
    this.type = type ?? DEFAULT_TYPE[condition];
  }
}

/** Whether a stanza may be answered with an error (never answer an error with an error). */
export function canReplyWithError(stanza: Element): boolean {
  return stanza.attrs.type !== 'error' && (stanza.name !== 'iq' || stanza.attrs.type === 'get' || stanza.attrs.type === 'set');
}

/**
 * Builds the error reply to `stanza`: addresses swapped, original payload kept (RFC 6120 8.3.1),
 * `from` set to what the sender addressed.
 */
export function errorReply(stanza: Element, error: StanzaError, from?: string): Element {
  const reply = new Element(stanza.name, { type: 'error', id: stanza.attrs.id });
  if (stanza.attrs.from) reply.attrs.to = stanza.attrs.from;
  const replyFrom = from ?? stanza.attrs.to;
  if (replyFrom) reply.attrs.from = replyFrom;
  if (stanza.name !== 'iq') for (const child of stanza.children) if (typeof child !== 'string') reply.cnode(clone(child));
  const err = reply.c('error', { type: error.type });
  err.c(error.condition, { xmlns: NS.STANZA_ERRORS });
  if (error.text && error.text !== error.condition) err.c('text', { xmlns: NS.STANZA_ERRORS }).t(error.text);
  if (error.appCondition) err.cnode(error.appCondition);
  return reply;
}

/**
 * What a log line says about a refused stanza, so an operator sees who asked what and why it
 * failed: addresses, kind, type, the IQ payload's element and namespace, the condition and its
 * text. Never the payload itself (private data, message bodies).
 */
export function refusalFields(stanza: Element, error: StanzaError): Record<string, string | undefined> {
  const payload = stanza.name === 'iq' ? stanza.children.find((child): child is Element => typeof child !== 'string') : undefined;
  return {
    from: stanza.attrs.from,
    to: stanza.attrs.to,
    kind: stanza.name,
    type: stanza.attrs.type,
    id: stanza.attrs.id,
    payload: payload ? `${payload.name} ${payload.attrs.xmlns ?? ''}`.trim() : undefined,
    condition: error.condition,
    text: error.text && error.text !== error.condition ? error.text : undefined,
  };
}

/** An empty IQ result for `iq`, optionally carrying a payload. */
export function iqResult(iq: Element, payload?: Element): Element {
  const reply = new Element('iq', { type: 'result', id: iq.attrs.id });
  if (iq.attrs.from) reply.attrs.to = iq.attrs.from;
  if (iq.attrs.to) reply.attrs.from = iq.attrs.to;
  if (payload) reply.cnode(payload);
  return reply;
}

/** The single payload child of an IQ get/set, or undefined when it has none or several. */
export function iqPayload(iq: Element): Element | undefined {
  const elements = iq.children.filter((c): c is Element => typeof c !== 'string');
  return elements.length === 1 ? elements[0] : undefined;
}

export function xmlnsOf(element: Element): string | undefined {
  return element.attrs.xmlns as string | undefined;
}
