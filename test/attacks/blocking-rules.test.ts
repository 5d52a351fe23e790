/**
 * XEP-0191 rules a blocked contact could otherwise use to see through a block, and client
 * state indications (XEP-0352, not offered here) that must not cost a client its stream.
 */
import type { Element } from 'ltx';
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN, pingOnce } from './attack-kit';
import { RawSession } from './raw-iq-session';

const BLOCKING = 'urn:xmpp:blocking';
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

const block = (...jids: string[]) => xml('iq', { type: 'set' }, xml('block', { xmlns: BLOCKING }, ...jids.map((jid) => xml('item', { jid }))));
const unblock = (...jids: string[]) => xml('iq', { type: 'set' }, xml('unblock', { xmlns: BLOCKING }, ...jids.map((jid) => xml('item', { jid }))));

/** Condition, type, text and application condition of an error stanza. */
function errorOf(stanza: Element): { condition?: string; type: string; blocked: boolean } {
  const error = stanza.getChild('error')!;
  const condition = error.children.find((c): c is Element => typeof c !== 'string' && c.attrs.xmlns === STANZAS && c.name !== 'text');
  return { condition: condition?.name, type: String(error.attrs.type), blocked: error.getChild('blocked', 'urn:xmpp:blocking:errors') !== undefined };
}

const presenceFrom = (from: string, type?: string) => (s: Element) => s.is('presence') && s.attrs.from === from && s.attrs.type === type;
const errorWithId = (name: string, id: string) => (s: Element) => s.is(name) && s.attrs.type === 'error' && s.attrs.id === id;

let server: TestServer;
let honest: HonestClient;
let clients: TestClient[] = [];
const jid = (user: string) => `${user}@${server.domain}`;

async function online(user: string, resource: string, show?: string): Promise<TestClient> {
  const client = await connectClient(server, { username: user, password: `${user}-secret`, resource });
  clients.push(client);
  await client.send(show ? xml('presence', {}, xml('show', {}, show)) : xml('presence'));
  await client.waitFor(presenceFrom(client.jid), 5000, 'its own presence');
  return client;
}

/** Everything the server sent `client` before the ping's answer has been received. */
const settled = (client: TestClient) => pingOnce(client);

beforeAll(async () => {
  server = await startTestServer({ config: { listeners: { c2s: { requireTls: false } }, auth: { allowPlainWithoutTls: true } } });
  for (const user of ['alice', 'bob', 'honest']) await server.createUser(user, `${user}-secret`);
  const friend = (contact: string) => ({ jid: jid(contact), name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
  await server.server.context.stores.rosters.put('alice', friend('bob'));
  await server.server.context.stores.rosters.put('bob', friend('alice'));
  honest = await HonestClient.connect(server, 'honest', 'honest-secret');
});

beforeEach(async () => {
  await honest.baseline();
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  clients = [];
  await server.server.context.stores.blocklists.remove('alice', []);
});

afterAll(async () => {
  await honest.stop();
  await server.stop();
});

test('a contact the user blocks sees every available resource go offline, and comes back on unblock', async () => {
  const bob = await online('bob', 'pc');
  const desk = await online('alice', 'desk');
  const phone = await online('alice', 'phone', 'away');
  await bob.waitFor(presenceFrom(desk.jid), 5000, 'alice/desk available');
  await bob.waitFor((s) => presenceFrom(phone.jid)(s) && s.getChildText('show') === 'away', 5000, 'alice/phone away');

  bob.received.length = 0;
  await desk.iq(block(jid('bob')));
  await bob.waitFor(presenceFrom(desk.jid, 'unavailable'), 5000, 'unavailable from alice/desk');
  await bob.waitFor(presenceFrom(phone.jid, 'unavailable'), 5000, 'unavailable from alice/phone');

  bob.received.length = 0;
  await desk.iq(unblock(jid('bob')));
  await bob.waitFor(presenceFrom(desk.jid), 5000, 'alice/desk available again');
  const back = await bob.waitFor(presenceFrom(phone.jid), 5000, 'alice/phone available again');
  expect(back.getChildText('show')).toBe('away');

  // Unblocking everyone is unblocking bob too.
  await desk.iq(block(jid('bob')));
  await bob.waitFor(presenceFrom(phone.jid, 'unavailable'), 5000, 'unavailable from alice/phone');
  bob.received.length = 0;
  await desk.iq(unblock());
  await bob.waitFor(presenceFrom(desk.jid), 5000, 'alice/desk after unblocking everyone');
  await bob.waitFor(presenceFrom(phone.jid), 5000, 'alice/phone after unblocking everyone');
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('a blocked contact is answered as if the user were not there: service-unavailable for messages and IQs, nothing for presence', async () => {
  const alice = await online('alice', 'pc');
  const bob = await online('bob', 'pc');
  await bob.waitFor(presenceFrom(alice.jid), 5000, 'alice available');
  await alice.iq(block(jid('bob')));
  await bob.waitFor(presenceFrom(alice.jid, 'unavailable'), 5000, 'alice gone');
  bob.received.length = 0;

  await bob.send(xml('message', { to: jid('alice'), type: 'chat', id: 'to-bare' }, xml('body', {}, 'hello?')));
  await bob.send(xml('message', { to: alice.jid, type: 'chat', id: 'to-full' }, xml('body', {}, 'hello there?')));
  for (const id of ['to-bare', 'to-full']) {
    expect(errorOf(await bob.waitFor(errorWithId('message', id), 5000, `the error for ${id}`))).toEqual({ condition: 'service-unavailable', type: 'cancel', blocked: false });
  }
  await bob.send(xml('iq', { to: alice.jid, type: 'get', id: 'ask' }, xml('query', { xmlns: 'jabber:iq:version' })));
  expect(errorOf(await bob.waitFor(errorWithId('iq', 'ask'), 5000, 'the IQ error'))).toEqual({ condition: 'service-unavailable', type: 'cancel', blocked: false });

  await bob.send(xml('presence', { to: alice.jid, id: 'peek' }));
  await bob.send(xml('presence', { to: jid('alice'), type: 'probe', id: 'probe' }));
  await settled(bob);
  await settled(alice);
  expect(bob.received.some((s) => s.is('presence') && (s.attrs.id === 'peek' || s.attrs.id === 'probe'))).toBe(false);
  expect(bob.received.some(presenceFrom(alice.jid))).toBe(false);
  expect(alice.received.some((s) => s.attrs.from?.startsWith(jid('bob')) && s.is('message'))).toBe(false);
  expect(alice.received.some((s) => s.is('presence') && s.attrs.id === 'peek')).toBe(false);
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('the user writing to a blocked contact gets not-acceptable with <blocked/>, for messages, IQs and directed presence', async () => {
  const alice = await online('alice', 'pc');
  const bob = await online('bob', 'pc');
  await alice.iq(block(jid('bob')));

  await alice.send(xml('message', { to: jid('bob'), type: 'chat', id: 'm' }, xml('body', {}, 'psst')));
  await alice.send(xml('iq', { to: bob.jid, type: 'get', id: 'q' }, xml('query', { xmlns: 'jabber:iq:version' })));
  await alice.send(xml('presence', { to: bob.jid, id: 'p' }));
  const expected = { condition: 'not-acceptable', type: 'cancel', blocked: true };
  expect(errorOf(await alice.waitFor(errorWithId('message', 'm'), 5000, 'the message bounce'))).toEqual(expected);
  expect(errorOf(await alice.waitFor(errorWithId('iq', 'q'), 5000, 'the IQ bounce'))).toEqual(expected);
  expect(errorOf(await alice.waitFor(errorWithId('presence', 'p'), 5000, 'the presence bounce'))).toEqual(expected);
  await settled(bob);
  expect(bob.received.some((s) => ['m', 'q', 'p'].includes(String(s.attrs.id)))).toBe(false);
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});

test('client state indications are ignored, the stream stays open; other unknown top-level elements still end it', async () => {
  const raw = await RawSession.login(server, 'alice', 'alice-secret');
  await raw.stream.write("<inactive xmlns='urn:xmpp:csi:0'/><active xmlns='urn:xmpp:csi:0'/>");
  raw.stream.received = '';
  await raw.stream.write(`<iq type='get' id='after-csi' to='${server.domain}'><ping xmlns='urn:xmpp:ping'/></iq>`);
  await raw.stream.waitForText('id="after-csi"');
  expect(raw.stream.received).toContain('type="result"');
  expect(raw.stream.closed).toBe(false);

  await raw.stream.write("<surprise xmlns='urn:example:unknown'/>");
  expect(await raw.stream.streamError()).toBe('unsupported-stanza-type');
  await raw.dispose();
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
});
