/** One SASL PLAIN login over a raw plaintext stream from a chosen loopback source address. */
import net from 'node:net';
import type { ServerAddress } from '../support/xmpp-client';
import { streamHeader } from './attack-kit';

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
