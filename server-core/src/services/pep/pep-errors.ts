import { Element } from 'ltx';
import { StanzaError, type StanzaErrorCondition } from '../../xml';
import { PUBSUB_ERRORS } from './pep-namespaces';

/** A stanza error with the XEP-0060 pubsub#errors condition next to the RFC 6120 one. */
export function pubsubError(condition: StanzaErrorCondition, pubsubCondition: string, text?: string, attrs: Record<string, string> = {}): StanzaError {
  return new StanzaError(condition, text, undefined, new Element(pubsubCondition, { xmlns: PUBSUB_ERRORS, ...attrs }));
}

/** XEP-0060 section 7.1.3.4: the pubsub#errors condition of a payload over the size limit. */
export const payloadTooBig = (): Element => new Element('payload-too-big', { xmlns: PUBSUB_ERRORS });

/** XEP-0060 section 4.6: a request this service does not implement. */
export const unsupported = (feature: string): StanzaError =>
  pubsubError('feature-not-implemented', 'unsupported', `PEP here does not support ${feature}`, { feature });
