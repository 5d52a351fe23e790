/** One SASL PLAIN login over a raw plaintext stream from a chosen loopback source address. */
import net from 'node:net';
import type { ServerAddress } from '../support/xmpp-client';
import { RawStream, streamHeader } from './attack-kit';

export type LoginOutcome = { ok: true } | { ok: false; condition: string; text: string };

export function plainLogin(server: ServerAddress, username: string, password: string, from = '127.0.0.1', timeoutMs = 5000): Promise<LoginOutcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: server.c2sPort, host: '127.0.0.1', localAddress: from });
    let received = '';
    let sentAuth = false;
    const timer = setTimeout(() => finish(new Error(`no SASL answer within ${timeoutMs} ms; received: ${received.slice(-300)}`)), timeoutMs);
    const finish = (outcome: LoginOutcome | Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.setEncoding('utf8');
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => socket.write(streamHeader(server.domain)));
    socket.on('data', (text: string) => {
      received += text;
      if (!sentAuth && received.includes('</stream:features>')) {
        sentAuth = true;
        const initial = Buffer.from(`\0${username}\0${password}`).toString('base64');
        socket.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${initial}</auth>`);
      }
      if (/<success[\s/>]/.test(received)) return finish({ ok: true });
      const failure = /<failure[^>]*>\s*<([a-z-]+)\/>(?:\s*<text[^>]*>([^<]*)<\/text>)?\s*<\/failure>/.exec(received);
      if (failure) finish({ ok: false, condition: failure[1], text: failure[2] ?? '' });
    });
  });
}

/** A plaintext stream logged in with PLAIN and bound to `resource`, for watching how the server ends it. */
export async function boundStream(server: ServerAddress, username: string, password: string, resource = 'raw'): Promise<RawStream> {
  const raw = await RawStream.open(server);
  await raw.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from(`\0${username}\0${password}`).toString('base64')}</auth>`);
  await raw.waitForText('<success');
  raw.received = '';
  await raw.write(streamHeader(server.domain));
  await raw.waitForText('</stream:features>');
  await raw.write(`<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
  await raw.waitForText('</iq>');
  if (!raw.received.includes("type=\"result\"") && !raw.received.includes("type='result'")) throw new Error(`bind failed: ${raw.received}`);
  return raw;
}
