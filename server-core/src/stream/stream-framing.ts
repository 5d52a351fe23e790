import { Element } from 'ltx';
import { NS } from '../xml';

/**
 * The two framings differ only in how a stream opens and closes:
 * `<stream:stream>` ... `</stream:stream>` over TCP/TLS, `<open/>` ... `<close/>` over
 * WebSocket (RFC 7395), where every element stands alone and so carries its namespaces.
 */
export interface StreamFraming {
  header(id: string, domain: string): string;
  footer(): string;
  features(features: Element): string;
}

export function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
}

export const tcpFraming: StreamFraming = {
  header: (id, domain) =>
    `<?xml version='1.0'?><stream:stream xmlns='${NS.CLIENT}' xmlns:stream='${NS.STREAM}' id='${escapeAttr(id)}' from='${escapeAttr(domain)}' version='1.0' xml:lang='en'>`,
  footer: () => '</stream:stream>',
  features: (features) => features.toString(),
};

export const websocketFraming: StreamFraming = {
  header: (id, domain) => `<open xmlns='${NS.FRAMING}' id='${escapeAttr(id)}' from='${escapeAttr(domain)}' version='1.0' xml:lang='en'/>`,
  footer: () => `<close xmlns='${NS.FRAMING}'/>`,
  features: (features) => {
    features.attrs['xmlns:stream'] = NS.STREAM;
    return features.toString();
  },
};
