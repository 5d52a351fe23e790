/**
 * Real XMPP clients for tests, built on @xmpp/client, with small helpers to wait for the
 * stanzas a test expects.
 */

import { client as createClient, xml } from '@xmpp/client';
import StanzaError from '@xmpp/middleware/lib/StanzaError';
import type { Element } from 'ltx';
import { CAPS_NS, ClientCapabilities, DISCO_INFO_NS, type ClientCaps } from './client-caps';

export { xml };

export interface ConnectOptions {
  username: string;
  password: string;
  resource?: string;
  transport?: 'tcp' | 'tls' | 'websocket';
  domain?: string;
  /**
   * Entity capabilities: every broadcast presence carries their `<c/>` and the client answers
   * the server's disco#info request as `caps.answer` says. Without it the client advertises none.
   */
  caps?: ClientCaps;
}

export interface ServerAddress {
  domain: string;
  c2sPort: number;
  directTlsPort: number;
  websocketUrl: string;
}

export interface TestClient {
  jid: string;
  raw: ReturnType<typeof createClient>;
  /** Every stanza received since connecting, in order. */
  received: Element[];
  send(stanza: Element): Promise<void>;
  /** Sends an IQ and resolves with the result (or rejects with the error stanza's condition). */
  iq(stanza: Element, timeoutMs?: number): Promise<Element>;
  /** Resolves with the first stanza received (past or future) that matches. */
  waitFor(match: (stanza: Element) => boolean, timeoutMs?: number, description?: string): Promise<Element>;
  /** The disco#info requests received since connecting (the server asking what the caps mean). */
  discoRequests: Element[];
  /** Resolves once the answers to every disco#info request received so far are written. */
  discoAnswered(): Promise<void>;
  stop(): Promise<void>;
}

function serviceUrl(server: ServerAddress, transport: ConnectOptions['transport']): string {
  if (transport === 'tls') return `xmpps://127.0.0.1:${server.directTlsPort}`;
  if (transport === 'websocket') return server.websocketUrl;
  return `xmpp://127.0.0.1:${server.c2sPort}`;
}

let iqCount = 0;

export async function connectClient(server: ServerAddress, options: ConnectOptions): Promise<TestClient> {
  const raw = createClient({
    service: serviceUrl(server, options.transport),
    domain: options.domain ?? server.domain,
    username: options.username,
    password: options.password,
    resource: options.resource,
  });
  raw.reconnect.stop();
  const received: Element[] = [];
  const waiters: Array<{ match: (s: Element) => boolean; resolve: (s: Element) => void }> = [];
  raw.on('error', () => undefined);
  raw.on('stanza', (stanza: Element) => {
    received.push(stanza);
    for (const waiter of [...waiters]) {
      if (waiter.match(stanza)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(stanza);
      }
    }
  });
  const caps = options.caps && new ClientCapabilities(options.caps);
  const discoRequests: Element[] = [];
  const answers: Array<Promise<void>> = [];
  if (caps) {
    raw.iqCallee.get(DISCO_INFO_NS, 'query', ({ stanza, element }) => {
      discoRequests.push(stanza);
      // @xmpp writes the reply a few promise ticks after this returns; a macrotask later it is written.
      answers.push(new Promise((resolve) => setImmediate(resolve)));
      if (caps.caps.answer === 'silent') return new Promise(() => undefined);
      if (caps.caps.answer === 'error') return xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }));
      return caps.answer(element.attrs.node as string | undefined);
    });
  }
  /** Broadcast available presence carries the caps, as a real client's does. */
  const withCaps = (stanza: Element): Element => {
    const broadcast = stanza.is('presence') && stanza.attrs.to === undefined && stanza.attrs.type === undefined;
    if (caps && broadcast && !stanza.getChild('c', CAPS_NS)) stanza.cnode(caps.element());
    return stanza;
  };
  const address = await raw.start();
  const jid = String(address);
  /** The first stanza from now on that matches. */
  const next = (match: (s: Element) => boolean, timeoutMs: number, description: string) =>
    new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`${jid} did not receive ${description} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (s: Element) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      waiters.push(waiter);
    });
  return {
    jid,
    raw,
    received,
    discoRequests,
    discoAnswered: async () => void (await Promise.all(answers)),
    send: (stanza) => raw.send(withCaps(stanza)),
    async iq(stanza, timeoutMs = 5000) {
      const id = (stanza.attrs.id ??= `iq-${++iqCount}`) as string;
      const isReply = (s: Element) => s.is('iq') && s.attrs.id === id && (s.attrs.type === 'result' || s.attrs.type === 'error');
      // The reply may be read before the write of the request completes (a TLS write callback
      // runs late on a busy host); @xmpp's iqCaller rejects its promise before anyone listens
      // then, an unhandled rejection that fails whatever test is running. Listening first and
      // awaiting both together leaves no promise without a handler.
      const [reply] = await Promise.all([next(isReply, timeoutMs, `a reply to IQ ${id}`), raw.send(stanza)]);
      if (reply.attrs.type === 'error') throw StanzaError.fromElement(reply.getChild('error')!);
      return reply;
    },
    waitFor(match, timeoutMs = 5000, description = 'a matching stanza') {
      const seen = received.find(match);
      return seen ? Promise.resolve(seen) : next(match, timeoutMs, description);
    },
    async stop() {
      try {
        await raw.stop();
      } catch {
        // already closed by the server
      }
    },
  };
}

/**
 * Clients a test logs in as users it created with the password `pw-<username>`, all stopped
 * together at the end. `server` is read at each login, so it may be started after the pool.
 */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  constructor(private readonly server: () => ServerAddress) {}

  async login(username: string, resource: string): Promise<TestClient> {
    const client = await connectClient(this.server(), { username, password: `pw-${username}`, resource });
    this.clients.push(client);
    return client;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.stop()));
  }
}
