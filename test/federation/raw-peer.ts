/**
 * A remote "server" made of a raw TCP socket, for what a real server never sends: garbage,
 * wrong dialback keys, spoofed addresses. It reads our node's answers as text.
 */
import net from 'node:net';
import tls from 'node:tls';

export class RawPeer {
  private text = '';
  private closedFlag = false;
  private readonly listeners = new Set<() => void>();

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  /** Direct TLS (XEP-0368): encrypted from the first byte. */
  static connectTls(port: number, servername: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['xmpp-server'] }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Everything received since the last STARTTLS (or since connecting). */
  get received(): string {
    return this.text;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Opens a stream as `from` to `to`, as a server would. */
  open(from: string, to: string): void {
    this.send(`<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' xmlns:stream='http://etherx.jabber.org/streams' from='${from}' to='${to}' version='1.0'>`);
  }

  /** Resolves with the first match of `pattern` in what was received (past or future). */
  waitFor(pattern: RegExp, timeoutMs = 10000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.text.match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.closedFlag) {
          done();
          reject(new Error(`the connection closed without ${pattern}; received: ${this.text}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; received: ${this.text}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves once our node closed the connection. */
  waitForClose(timeoutMs = 10000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.closedFlag) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`the connection stayed open for ${timeoutMs} ms; received: ${this.text}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** STARTTLS from the stream's features to the new stream's features; returns the new stream id. */
  async negotiateTls(from: string, to: string): Promise<string> {
    this.open(from, to);
    await this.waitFor(/<starttls[^>]*urn:ietf:params:xml:ns:xmpp-tls/);
    this.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
    await this.waitFor(/<proceed/);
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, servername: to, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.text = '';
    this.attach(secure);
    this.open(from, to);
    const [, id] = await this.waitFor(/<stream:stream[^>]* id=["']([^"']+)["']/);
    await this.waitFor(/<\/stream:features>|<stream:features\/>/);
    return id;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      for (const listener of [...this.listeners]) listener();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedFlag = true;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
