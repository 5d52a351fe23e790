/**
 * The world the message and service tests run in: one real server and real clients that
 * log in as its users. Test support only; nothing in the server imports it.
 */
import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { connectClient, xml, type TestClient } from '../../test/support/xmpp-client';
import type { ClientCaps } from '../../test/support/client-caps';
import type { Element } from 'ltx';

export { xml };
export type { TestClient };
export { chatClientCaps, CHAT_CLIENT_FEATURES, notifyOf, type ClientCaps } from '../../test/support/client-caps';

export interface OnlineOptions {
  /** Initial presence priority; null stays unavailable (connected, no presence sent). */
  priority?: number | null;
  /** Entity capabilities the client advertises and answers for; none when absent. */
  caps?: ClientCaps;
}

export interface World {
  server: TestServer;
  domain: string;
  /**
   * Logs `user` in as `resource`, sends initial presence and waits until the server handled it,
   * and its disco#info request about the caps with it when it asked one.
   */
  online(user: string, resource: string, options?: OnlineOptions): Promise<TestClient>;
  stop(): Promise<void>;
}

export const passwordOf = (user: string) => `pw-${user}-secret`;

export async function startWorld(users: string[], config?: Record<string, unknown>): Promise<World> {
  const server = await startTestServer({ config });
  for (const user of users) await server.createUser(user, passwordOf(user));
  const clients: TestClient[] = [];
  return {
    server,
    domain: server.domain,
    async online(user, resource, { priority = 0, caps } = {}) {
      const client = await connectClient(server, { username: user, password: passwordOf(user), resource, caps });
      clients.push(client);
      if (priority !== null) {
        await client.send(xml('presence', {}, xml('priority', {}, String(priority))));
        await roundTrip(client, server.domain);
        await capsSettled(client, server.domain);
      }
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.stop()));
      await server.stop();
    },
  };
}

/** A stream's stanzas are handled in order, so once a ping is answered everything sent before it was handled. */
export async function roundTrip(client: TestClient, domain: string): Promise<void> {
  await client.iq(xml('iq', { type: 'get', to: domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
}

/** Once the client answered the server's disco#info requests, and the server handled the answers. */
export async function capsSettled(client: TestClient, domain: string): Promise<void> {
  if (client.discoRequests.length === 0) return;
  await client.discoAnswered();
  await roundTrip(client, domain);
}

export function chat(to: string, body: string, type = 'chat', ...extra: Element[]): Element {
  return xml('message', { to, type }, xml('body', {}, body), ...extra);
}

export const bodyIs = (text: string) => (stanza: Element) => stanza.is('message') && stanza.getChildText('body') === text;

/** The condition of an error stanza (or of the error a rejected IQ request carries). */
export function errorCondition(stanza: Element): string | undefined {
  const error = stanza.getChild('error');
  const condition = error?.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === 'urn:ietf:params:xml:ns:xmpp-stanzas');
  return condition?.name;
}

export interface IqFailure {
  condition: string;
  /** The application-specific condition, e.g. <blocked xmlns='urn:xmpp:blocking:errors'/>. */
  application?: Element;
}

/** Sends an IQ request that must fail and resolves with how it failed. */
export async function iqFailure(client: TestClient, iq: Element): Promise<IqFailure> {
  try {
    await client.iq(iq);
  } catch (err) {
    const { condition, application } = err as { condition?: string; application?: Element };
    if (condition) return { condition, application };
    throw err;
  }
  throw new Error('the request was answered with a result');
}
