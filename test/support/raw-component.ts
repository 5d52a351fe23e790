/**
 * A hand-written XEP-0114 component over a bare TCP connection, for tests that need exact
 * control of what a component sends (a wrong handshake, a spoofed `from`).
 */
import { createHash } from 'node:crypto';
import { RawStream } from '../attacks/attack-kit';

export const COMPONENT_NS = 'jabber:component:accept';

export function componentHeader(domain: string): string {
  return `<?xml version='1.0'?><stream:stream xmlns='${COMPONENT_NS}' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}'>`;
}

/** Opens the stream and waits for the server's header; resolves with the connection and the stream id. */
export async function openComponentStream(port: number, domain: string): Promise<{ raw: RawStream; id: string }> {
  const raw = await RawStream.connect(port);
  await raw.write(componentHeader(domain));
  await raw.waitForText(`from='${domain}'>`);
  const id = /<stream:stream [^>]*id='([^']+)'/.exec(raw.received)?.[1];
  return { raw, id: id ?? '' };
}

/** XEP-0114's handshake, computed here on its own (not with the server's code) so the tests check the server's. */
export function handshakeDigest(id: string, secret: string): string {
  return createHash('sha1').update(id + secret).digest('hex');
}

/** A component past its handshake. */
export async function connectRawComponent(port: number, domain: string, secret: string): Promise<RawStream> {
  const { raw, id } = await openComponentStream(port, domain);
  await raw.write(`<handshake>${handshakeDigest(id, secret)}</handshake>`);
  await raw.waitForText('<handshake/>');
  return raw;
}
