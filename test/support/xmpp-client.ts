/**
 * Real XMPP clients for tests, built on @xmpp/client, with small helpers to wait for the
 * stanzas a test expects.
 */

import { client as createClient, xml } from '@xmpp/client';
import type { Element } from 'ltx';

export { xml };

export interface ConnectOptions {
  username: string;
  password: string;
  resource?: string;
  transport?: 'tcp' | 'tls' | 'websocket';
  domain?: string;
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
  stop(): Promise<void>;
}

function serviceUrl(server: ServerAddress, transport: ConnectOptions['transport']): string {
  if (transport === 'tls') return `xmpps://127.0.0.1:${server.directTlsPort}`;
  if (transport === 'websocket') return server.websocketUrl;
  return `xmpp://127.0.0.1:${server.c2sPort}`;
}

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
  const address = await raw.start();
  const jid = String(address);
  return {
    jid,
    raw,
    received,
    send: (stanza) => raw.send(stanza),
    iq: (stanza, timeoutMs = 5000) => raw.iqCaller.request(stanza, timeoutMs),
    waitFor(match, timeoutMs = 5000, description = 'a matching stanza') {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
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
