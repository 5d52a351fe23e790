/**
 * A deliberately small XMPP client for load generation: plaintext TCP, SASL PLAIN, bind,
 * initial presence with entity capabilities, and the answer to the server's disco#info
 * request about them. It matches server replies by text so thousands fit in one process.
 */
import net from 'node:net';
import { Element, parse } from 'ltx';
import { ClientCapabilities, DISCO_INFO_NS, chatClientCaps, type ClientCaps } from '../support/client-caps';

/** A complete disco#info request: the only IQ the server sends these clients unasked. */
const DISCO_REQUEST = /<iq\b[^>]*>\s*<query\b[^>]*http:\/\/jabber\.org\/protocol\/disco#info[^>]*?(?:\/>|>[\s\S]*?<\/query>)\s*<\/iq>/;

export interface BenchClientOptions {
  port: number;
  host?: string;
  localAddress?: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
  /**
   * Entity capabilities of the initial presence, answered for when the server asks. Unless
   * told, those of a typical chat client that follows no PEP node; false advertises none.
   */
  caps?: ClientCaps | false;
  /** Enables XEP-0198 after binding (without resumption) and answers the server's `<r/>` with the stanzas it counted. */
  streamManagement?: boolean;
}

/** The start of a top-level stanza; the bench's own traffic nests none in another. */
const STANZA_START = /<(?:message|presence|iq)[\s>/]/g;
const ACK_REQUEST = /<r xmlns=["']urn:xmpp:sm:3["']\/>/g;

export class BenchClient {
  private buffer = '';
  private socket!: net.Socket;
  private waiter: { needle: string | RegExp; resolve: () => void; reject: (e: Error) => void } | undefined;
  onMessage: ((body: string) => void) | undefined;
  private readonly caps: ClientCapabilities | undefined;
  /** XEP-0198: stanzas received since <enabled/>, and the unscanned end of the last chunk. */
  private sm: { handled: number; tail: string } | undefined;

  constructor(readonly options: BenchClientOptions) {
    this.caps = options.caps === false ? undefined : new ClientCapabilities(options.caps ?? chatClientCaps());
  }

  get jid(): string {
    return `${this.options.username}@${this.options.domain}/${this.options.resource}`;
  }

  async login(): Promise<void> {
    const { host = '127.0.0.1', port, localAddress, domain, username, password, resource } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.socket = net.connect({ host, port, localAddress }, resolve);
      this.socket.once('error', reject);
    });
    this.socket.setEncoding('utf8');
    // As the server does and chat clients do: without it a small write (an <a/>) waits behind the peer's delayed ACK.
    this.socket.setNoDelay(true);
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: string) => this.onData(chunk));
    const header = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`;
    await this.exchange(header, '</stream:features>');
    const plain = Buffer.from(`\0${username}\0${password}`).toString('base64');
    await this.exchange(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`, '<success');
    await this.exchange(header, '</stream:features>');
    await this.exchange(`<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`, '</jid>');
    // Servers that still announce RFC 3921 sessions expect the session IQ before presence.
    await this.exchange(`<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`, /id=["']s1["']/);
    if (this.options.streamManagement) {
      await this.exchange(`<enable xmlns='urn:xmpp:sm:3'/>`, '<enabled');
      const after = this.buffer.slice(this.buffer.indexOf('<enabled'));
      this.sm = { handled: 0, tail: '' };
      this.countStanzas(after.slice(after.indexOf('>') + 1));
    }
    this.buffer = '';
  }

  /** Initial presence; resolves once the server has echoed it back to us. */
  async available(): Promise<void> {
    const presence = this.caps ? `<presence>${this.caps.element().toString()}</presence>` : '<presence/>';
    await this.exchange(presence, new RegExp(`from=["']${this.jid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`));
    this.buffer = '';
  }

  sendMessage(to: string, body: string): void {
    this.socket.write(`<message to='${to}' type='chat'><body>${body}</body></message>`);
  }

  /** Writes raw XML (the caller escapes it). */
  write(xml: string): void {
    this.socket.write(xml);
  }

  /** Writes raw XML and resolves, with the text received so far, once it contains `expect`; that text is then dropped. */
  async request(xml: string, expect: string | RegExp, timeoutMs?: number): Promise<string> {
    await this.exchange(xml, expect, timeoutMs);
    const received = this.buffer;
    this.buffer = '';
    return received;
  }

  close(): void {
    this.socket.end('</stream:stream>');
    this.socket.destroy();
  }

  private exchange(send: string, expect: string | RegExp, timeoutMs = 30000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.jid}: no ${expect} within ${timeoutMs} ms; got ${this.buffer.slice(0, 300)}`)), timeoutMs);
      this.waiter = {
        needle: expect,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject,
      };
      this.socket.write(send);
      this.check();
    });
  }

  /** Counts stanzas as they arrive and answers acknowledgement requests (the tail keeps a tag cut between chunks). */
  private countStanzas(chunk: string): void {
    const sm = this.sm!;
    const text = sm.tail + chunk;
    let scanned = 0;
    let answer = false;
    for (const match of text.matchAll(STANZA_START)) {
      sm.handled = (sm.handled + 1) % 2 ** 32;
      scanned = match.index! + match[0].length;
    }
    for (const match of text.matchAll(ACK_REQUEST)) {
      answer = true;
      scanned = Math.max(scanned, match.index! + match[0].length);
    }
    sm.tail = text.slice(Math.max(scanned, text.length - 30));
    if (answer) this.socket.write(`<a xmlns='urn:xmpp:sm:3' h='${sm.handled}'/>`);
  }

  private onData(chunk: string): void {
    if (this.sm) this.countStanzas(chunk);
    this.buffer += chunk;
    if (this.caps && this.buffer.includes(DISCO_INFO_NS)) this.answerDiscoRequests(this.caps);
    if (this.onMessage) {
      let start: number;
      while ((start = this.buffer.indexOf('<body>')) !== -1) {
        const end = this.buffer.indexOf('</body>', start);
        if (end === -1) break;
        this.onMessage(this.buffer.slice(start + 6, end));
        this.buffer = this.buffer.slice(end + 7);
      }
      if (this.buffer.length > 65536) this.buffer = this.buffer.slice(-1024);
      return;
    }
    this.check();
    // Nobody waits for anything: keep only what may be the start of an IQ still arriving, so an
    // idle client does not rescan everything it ever received on each new chunk.
    if (!this.waiter) {
      const iq = this.buffer.lastIndexOf('<iq');
      this.buffer = iq === -1 ? this.buffer.slice(-3) : this.buffer.slice(iq);
    }
  }

  private answerDiscoRequests(caps: ClientCapabilities): void {
    let found: RegExpExecArray | null;
    while ((found = DISCO_REQUEST.exec(this.buffer)) !== null) {
      this.buffer = this.buffer.slice(0, found.index) + this.buffer.slice(found.index + found[0].length);
      const request = parse(found[0]);
      if (request.attrs.type !== 'get') continue;
      const node = request.getChild('query', DISCO_INFO_NS)?.attrs.node as string | undefined;
      const reply = new Element('iq', { type: 'result', id: request.attrs.id, to: request.attrs.from });
      reply.cnode(caps.answer(node));
      this.socket.write(reply.toString());
    }
  }

  private check(): void {
    const needle = this.waiter?.needle;
    if (this.waiter && (typeof needle === 'string' ? this.buffer.includes(needle) : needle!.test(this.buffer))) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve();
    }
  }
}
