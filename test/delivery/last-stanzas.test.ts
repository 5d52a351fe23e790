/**
 * What a client sends right before it leaves is handled, in order, before its session ends:
 * a message and a closing </stream:stream> in one packet, or a message and a TCP FIN.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { ClientPool, xml } from '../support/xmpp-client';
import { rawSession, RAW_SIGN_IN_CONFIG } from '../attacks/raw-session';
import type { RawStream } from '../attacks/attack-kit';

let server: TestServer;
const pool = new ClientPool(() => server);
const raws: RawStream[] = [];

beforeAll(async () => {
  server = await startTestServer({ config: RAW_SIGN_IN_CONFIG });
  for (const user of ['alice', 'bob']) await server.createUser(user, `pw-${user}`);
});
afterAll(async () => {
  await Promise.all(raws.map((raw) => raw.dispose()));
  await pool.stopAll();
  await server?.stop();
});

/** Alice online and available, so chat messages to her bare JID reach this resource. */
async function aliceOnline(resource: string) {
  const client = await pool.login('alice', resource);
  await client.send(xml('presence'));
  await client.iq(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  return client;
}

async function bob(resource: string): Promise<RawStream> {
  const raw = await rawSession(server, 'bob', 'pw-bob', resource);
  raws.push(raw);
  return raw;
}

const message = (id: string, body: string) => `<message to='alice@${server.domain}' type='chat' id='${id}'><body>${body}</body></message>`;

test('messages followed by the stream close in the same packet are all delivered, in order', async () => {
  const alice = await aliceOnline('close');
  const raw = await bob('close');
  await raw.write(`${message('c1', 'one')}${message('c2', 'two')}${message('c3', 'last words')}</stream:stream>`);
  await raw.whenClosed();
  await alice.waitFor((s) => s.is('message') && s.attrs.id === 'c3');
  expect(alice.received.filter((s) => s.is('message')).map((s) => s.getChildText('body'))).toEqual(['one', 'two', 'last words']);
});

test('a message followed at once by the end of the TCP connection is delivered', async () => {
  const alice = await aliceOnline('fin');
  const raw = await bob('fin');
  raw.socket.end(message('f1', 'sent as the connection closed'));
  await raw.whenClosed();
  const got = await alice.waitFor((s) => s.is('message') && s.attrs.id === 'f1');
  expect(got.getChildText('body')).toBe('sent as the connection closed');
});

test('an unavailable presence with a status, then the close: contacts see that status, not a bare unavailable', async () => {
  const raw = await bob('setup');
  await raw.write('<presence/>');
  const alice = await pool.login('alice', 'contact');
  await alice.send(xml('presence'));
  // Mutual subscription between the raw stream and the client.
  await alice.send(xml('presence', { to: `bob@${server.domain}`, type: 'subscribe' }));
  await raw.waitForText('type="subscribe"');
  await raw.write(`<presence to='alice@${server.domain}' type='subscribed'/><presence to='alice@${server.domain}' type='subscribe'/>`);
  await alice.waitFor((s) => s.is('presence') && s.attrs.type === 'subscribe');
  await alice.send(xml('presence', { to: `bob@${server.domain}`, type: 'subscribed' }));
  await alice.waitFor((s) => s.is('presence') && s.attrs.from === `bob@${server.domain}/setup` && s.attrs.type === undefined);
  await raw.write(`<presence type='unavailable'><status>Gone fishing</status></presence></stream:stream>`);
  const gone = await alice.waitFor((s) => s.is('presence') && s.attrs.from === `bob@${server.domain}/setup` && s.attrs.type === 'unavailable');
  expect(gone.getChildText('status')).toBe('Gone fishing');
});
