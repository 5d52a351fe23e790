/**
 * Offline storage under a flood: big queues reach a reading client whole, nobody can wipe
 * someone else's queue by sending it more than one write can hold, and a full store answers
 * the sender with the error XEP-0160 names, saying which limit it hit.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { RawSession } from './raw-iq-session';
import { eventually } from '../../server-core/testing/eventually';

const PLAIN_ALLOWED = { listeners: { c2s: { requireTls: false } }, auth: { allowPlainWithoutTls: true } };

const bodyText = (tag: string, bytes: number) => `${tag} ${'x'.repeat(bytes)}`;
const chatTo = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));

/** Once a ping to the server is answered, every stanza the client sent before it was handled (stored). */
async function handled(client: TestClient, domain: string): Promise<void> {
  await client.iq(xml('iq', { type: 'get', to: domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
}

/** What a raw session saw of its offline messages, read as it arrived. */
interface Delivered {
  tags: Set<string>;
  delayed: boolean;
}

async function storedCountReaches(server: TestServer, user: string, expected: number, timeoutMs = 10000): Promise<number> {
  await eventually(`${user} has ${expected} offline messages`, async () => (await server.server.context.stores.offline.count(user)) === expected, { timeoutMs, intervalMs: 50 });
  return server.server.context.stores.offline.count(user);
}

describe('offline flood with the default limits', () => {
  let server: TestServer;
  let honest: HonestClient;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ config: PLAIN_ALLOWED });
    for (const user of ['alice', 'bob', 'eve', 'dora', 'honest']) await server.createUser(user, `${user}-secret`);
    honest = await HonestClient.connect(server, 'honest', 'honest-secret');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await honest.stop();
    await server.stop();
  });

  /** `count` messages tagged `<tag>-<n>` of `bytes` each, stored once this returns. */
  async function sendMany(sender: TestClient, to: string, tag: string, count: number, bytes: number): Promise<void> {
    for (let n = 0; n < count; n++) await sender.send(chatTo(to, bodyText(`${tag}-${n}`, bytes)));
    await handled(sender, server.domain);
  }

  /** Logs `user` in and makes it available while the honest client measures, until `expected` distinct messages arrived. */
  async function loginWhileMeasured(user: string, expected: number): Promise<{ session: RawSession; delivered: Delivered; ratio: number }> {
    await honest.baseline();
    const session = await RawSession.login(server, user, `${user}-secret`);
    const delivered: Delivered = { tags: new Set(), delayed: false };
    const watching = session.watch(
      (piece, before) => {
        for (const match of (before + piece).matchAll(/<body>([a-z]+-\d+) /g)) delivered.tags.add(match[1]);
        if ((before + piece).includes('Offline Storage</delay>')) delivered.delayed = true;
      },
      () => delivered.tags.size >= expected,
    );
    await session.stream.write('<presence/>');
    const [ratio] = await Promise.all([honest.ratio(), watching]);
    return { session, delivered, ratio };
  }

  test('100 messages of 60 KB all reach a reading client, and only then leave the store', async () => {
    const bob = await connectClient(server, { username: 'bob', password: 'bob-secret' });
    clients.push(bob);
    await sendMany(bob, 'alice@localhost', 'm', 100, 60 * 1024);
    expect(await server.server.context.stores.offline.count('alice')).toBe(100);

    const { session: alice, delivered, ratio } = await loginWhileMeasured('alice', 100);
    expect([...delivered.tags].sort()).toEqual(Array.from({ length: 100 }, (_, n) => `m-${n}`).sort());
    expect(alice.stream.closed).toBe(false);
    expect(delivered.delayed).toBe(true);
    expect(await storedCountReaches(server, 'alice', 0)).toBe(0);
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await alice.dispose();
  }, 120000);

  test("another user's big messages cannot wipe a queue: every message is delivered", async () => {
    const bob = await connectClient(server, { username: 'bob', password: 'bob-secret', resource: 'second' });
    const eve = await connectClient(server, { username: 'eve', password: 'eve-secret' });
    clients.push(bob, eve);
    await sendMany(bob, 'dora@localhost', 'early', 5, 100);
    // 20 x 230 KB is more than the 4 MiB of unread output after which a stream is cut off.
    await sendMany(eve, 'dora@localhost', 'flood', 20, 230 * 1024);
    expect(await server.server.context.stores.offline.count('dora')).toBe(25);

    const { session: dora, delivered, ratio } = await loginWhileMeasured('dora', 25);
    expect([...delivered.tags].filter((tag) => tag.startsWith('early-'))).toHaveLength(5);
    expect([...delivered.tags].filter((tag) => tag.startsWith('flood-'))).toHaveLength(20);
    expect(await storedCountReaches(server, 'dora', 0)).toBe(0);
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await dora.dispose();
  }, 120000);
});

describe('offline quota', () => {
  let server: TestServer;
  let honest: HonestClient;
  let sender: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ config: { ...PLAIN_ALLOWED, limits: { offlineMessagesPerUser: 3, offlineBytesPerUser: 200_000 } } });
    for (const user of ['alice', 'carol', 'mallory', 'honest']) await server.createUser(user, `${user}-secret`);
    honest = await HonestClient.connect(server, 'honest', 'honest-secret');
    sender = await connectClient(server, { username: 'mallory', password: 'mallory-secret' });
  });

  afterAll(async () => {
    await sender.stop();
    await honest.stop();
    await server.stop();
  });

  const errorOf = (id: string) => (s: { is(n: string): boolean; attrs: Record<string, unknown> }) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === id;
  const send = (to: string, id: string, bytes: number) => sender.send(xml('message', { to, type: 'chat', id }, xml('body', {}, bodyText(id, bytes))));

  test('a full queue (by count) answers service-unavailable naming limits.offlineMessagesPerUser', async () => {
    await honest.baseline();
    for (const id of ['q-1', 'q-2', 'q-3']) await send('alice@localhost', id, 10);
    await send('alice@localhost', 'q-4', 10);
    const error = await sender.waitFor(errorOf('q-4'), 5000, 'the error for the fourth message');
    const condition = error.getChild('error')!;
    expect(condition.attrs.type).toBe('cancel');
    expect(condition.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
    expect(condition.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBe(
      'the recipient is offline and their offline message store is full (limits.offlineMessagesPerUser is 3)',
    );
    expect(sender.received.some(errorOf('q-3'))).toBe(false);
    expect(await server.server.context.stores.offline.count('alice')).toBe(3);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });

  test('a full queue (by bytes) answers service-unavailable naming limits.offlineBytesPerUser', async () => {
    await honest.baseline();
    await send('carol@localhost', 'b-1', 150_000);
    await send('carol@localhost', 'b-2', 150_000);
    const error = await sender.waitFor(errorOf('b-2'), 5000, 'the error for the second big message');
    expect(error.getChild('error')!.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
    expect(error.getChild('error')!.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBe(
      'the recipient is offline and their offline message store is full (limits.offlineBytesPerUser is 200000)',
    );
    await handled(sender, server.domain);
    expect(sender.received.some(errorOf('b-1'))).toBe(false);
    expect(await server.server.context.stores.offline.count('carol')).toBe(1);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  });
});
