import { Element } from 'ltx';
import { NS } from '../xml';

/** Stream error conditions (RFC 6120 4.9.3). */
export type StreamErrorCondition =
  | 'bad-format'
  | 'bad-namespace-prefix'
  | 'conflict'
  | 'connection-timeout'
  | 'host-gone'
  | 'host-unknown'
  | 'improper-addressing'
  | 'internal-server-error'
  | 'invalid-from'
  | 'invalid-namespace'
  | 'invalid-xml'
  | 'not-authorized'
  | 'not-well-formed'
  | 'policy-violation'
  | 'remote-connection-failed'
  | 'reset'
  | 'resource-constraint'
  | 'restricted-xml'
  | 'see-other-host'
  | 'system-shutdown'
  | 'undefined-condition'
  | 'unsupported-encoding'
  | 'unsupported-feature'
  | 'unsupported-stanza-type'
  | 'unsupported-version';

export class StreamError extends Error {
  constructor(
    readonly condition: StreamErrorCondition,
    readonly text?: string,
  ) {
    super(text ?? condition);
    this.name = 'StreamError';
  }
}

export function streamErrorElement(error: StreamError): Element {
  const el = new Element('stream:error', { 'xmlns:stream': NS.STREAM });
  el.c(error.condition, { xmlns: NS.STREAM_ERRORS });
  if (error.text) el.c('text', { xmlns: NS.STREAM_ERRORS, 'xml:lang': 'en' }).t(error.text);
  return el;
}
