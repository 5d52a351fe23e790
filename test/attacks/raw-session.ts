/**
 * Raw connections that get as far as a bound resource, so an attack can come from a signed-in
 * user: a TCP stream that signs in with SASL PLAIN (the test server allows it without TLS), and
 * a WebSocket (RFC 7395) that writes whatever frames a test chooses.
 */
import WebSocket from 'ws';
import { RawStream, streamHeader } from './attack-kit';
import type { ServerAddress } from '../support/xmpp-client';

export interface RawSessionServer extends ServerAddress {
  websocketUrl: string;
}

/** The server config these helpers need: plaintext PLAIN sign-in on the c2s port. */
export const RAW_SIGN_IN_CONFIG = { listeners: { c2s: { requireTls: false } }, auth: { allowPlainWithoutTls: true } };

function plain(username: string, password: string): string {
  return Buffer.from(`\u0000${username}\u0000${password}`).toString('base64');
}

function bindRequest(resource: string): string {
  return `<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`;
}

/** A TCP stream signed in as `username` and bound to `resource`; `header` replaces the second stream header. */
export async function rawSession(server: ServerAddress, username: string, password: string, resource: string, header = streamHeader(server.domain)): Promise<RawStream> {
  const raw = await RawStream.open(server);
  await raw.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain(username, password)}</auth>`);
  await raw.waitForText('<success');
  await raw.write(header);
  await raw.waitForText('urn:ietf:params:xml:ns:xmpp-bind');
  await raw.write(bindRequest(resource));
  await raw.waitForText(`/${resource}</jid>`);
  return raw;
}

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

/** A WebSocket connection with the `xmpp` subprotocol that keeps all it receives. */
export class RawWebSocket {
  received = '';
  closeCode: number | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received += data.toString();
      this.wake();
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static connect(url: string): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'xmpp');
      ws.once('open', () => resolve(new RawWebSocket(ws)));
      ws.once('error', reject);
    });
  }

  /** Opens the XMPP stream and waits for the features. */
  static async open(server: RawSessionServer): Promise<RawWebSocket> {
    const raw = await RawWebSocket.connect(server.websocketUrl);
    raw.send(RawWebSocket.openFrame(server.domain));
    await raw.waitForText('</stream:features>');
    return raw;
  }

  /** Signed in with PLAIN and bound to `resource`. */
  static async session(server: RawSessionServer, username: string, password: string, resource: string): Promise<RawWebSocket> {
    const raw = await RawWebSocket.open(server);
    raw.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain(username, password)}</auth>`);
    await raw.waitForText('<success');
    raw.send(RawWebSocket.openFrame(server.domain));
    await raw.waitForText('urn:ietf:params:xml:ns:xmpp-bind');
    raw.send(bindRequest(resource).replace("<iq ", "<iq xmlns='jabber:client' "));
    await raw.waitForText(`/${resource}</jid>`);
    return raw;
  }

  static openFrame(domain: string): string {
    return `<open xmlns='${FRAMING}' to='${domain}' version='1.0'/>`;
  }

  get closed(): boolean {
    return this.closeCode !== undefined;
  }

  send(data: string | Buffer): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.ws.send(data, { binary: false }, () => resolve()));
  }

  waitForText(text: string, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.received.includes(text), timeoutMs, `"${text}"`);
  }

  whenClosed(timeoutMs = 5000): Promise<number> {
    return this.until(() => this.closed, timeoutMs, 'the connection to close').then(() => this.closeCode!);
  }

  /** The stream error condition once the server sent one and closed the WebSocket. */
  async streamError(timeoutMs = 5000): Promise<string> {
    await this.whenClosed(timeoutMs);
    const match = /<stream:error[^>]*>\s*<([a-z-]+)/.exec(this.received);
    if (!match) throw new Error(`closed (${this.closeCode}) without a stream error; received: ${this.received.slice(-500)}`);
    return match[1];
  }

  dispose(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.terminate();
    return this.whenClosed().then(() => undefined);
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done() || this.closed) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          if (done()) resolve();
          else reject(new Error(`the WebSocket closed (${this.closeCode}) before ${what}; received: ${this.received.slice(-500)}`));
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; received: ${this.received.slice(-500)}`));
      }, timeoutMs);
      this.waiters.push(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
