/**
 * Federation with a real Prosody 0.12 (Debian's): our node a.localhost and Prosody b.localhost,
 * each dialing the other through a static route; both directions authenticate with dialback.
 */
import { chat, bodyIs, errorCondition, roundTrip, xml, eventually, type TestClient } from '../../server-core/testing';
import { getRoster, presence, presenceOf, rosterPush } from '../../server-core/testing/presence-steps';
import { createRoom, groupchat, join } from '../../server-core/testing/muc-steps';
import { startFederation, OUR_DOMAIN, PROSODY_DOMAIN, type FederationWorld } from './federation-world';

jest.setTimeout(60000);

const ALICE = `alice@${OUR_DOMAIN}`;
const BOB = `bob@${PROSODY_DOMAIN}`;

let world: FederationWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  world = await startFederation({ ourUsers: ['alice'], prosodyUsers: ['bob'] });
  alice = await world.ours('alice');
  bob = await world.theirs('bob');
  // Interested and available resources (RFC 6121 2.1.6, 4.2): they get roster pushes and messages.
  for (const client of [alice, bob]) {
    await getRoster(client);
    await client.send(xml('presence'));
  }
});

afterAll(async () => {
  await world?.stop();
});

test('a subscription handshake both ways, with roster pushes, then presence both ways', async () => {
  await alice.send(presence('subscribe', BOB));
  await alice.waitFor(rosterPush(BOB, (item) => item.attrs.ask === 'subscribe'), 10000, 'alice: roster push with ask=subscribe');
  await bob.waitFor(presenceOf(ALICE, 'subscribe'), 20000, 'bob: the subscription request from alice');
  await bob.send(presence('subscribed', ALICE));
  await alice.waitFor(rosterPush(BOB, (item) => item.attrs.subscription === 'to'), 20000, 'alice: roster push with subscription=to');

  await bob.send(presence('subscribe', ALICE));
  await alice.waitFor(presenceOf(BOB, 'subscribe'), 20000, 'alice: the subscription request from bob');
  await alice.send(presence('subscribed', BOB));
  await alice.waitFor(rosterPush(BOB, (item) => item.attrs.subscription === 'both'), 20000, 'alice: roster push with subscription=both');
  await bob.waitFor(rosterPush(ALICE, (item) => item.attrs.subscription === 'both'), 20000, 'bob: roster push with subscription=both');

  await alice.send(xml('presence', {}, xml('status', {}, 'from a')));
  await bob.waitFor((s) => presenceOf(ALICE)(s) && s.getChildText('status') === 'from a', 20000, "bob: alice's presence");
  await bob.send(xml('presence', {}, xml('status', {}, 'from b')));
  await alice.waitFor((s) => presenceOf(BOB)(s) && s.getChildText('status') === 'from b', 20000, "alice: bob's presence");

  const links = await world.links();
  expect(links.map((l) => `${l.direction} ${l.remoteDomain} ${l.authMethod}`).sort()).toEqual([`incoming ${PROSODY_DOMAIN} dialback`, `outgoing ${PROSODY_DOMAIN} dialback`]);
});

test('messages both ways', async () => {
  await alice.send(chat(`${BOB}/r`, 'hello from a'));
  const atBob = await bob.waitFor(bodyIs('hello from a'), 10000, 'bob: the message from alice');
  expect(atBob.attrs.from).toBe(`${ALICE}/r`);
  await bob.send(chat(ALICE, 'hello from b'));
  const atAlice = await alice.waitFor(bodyIs('hello from b'), 10000, 'alice: the message from bob');
  expect(atAlice.attrs.from).toBe(`${BOB}/r`);
});

test('IQs across domains: ping, disco#info and vCard, both ways', async () => {
  await alice.iq(xml('iq', { type: 'get', to: PROSODY_DOMAIN }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 10000);
  const info = await alice.iq(xml('iq', { type: 'get', to: PROSODY_DOMAIN }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), 10000);
  expect(info.getChild('query')?.getChildren('feature').map((f) => f.attrs.var)).toContain('urn:xmpp:ping');

  await alice.iq(xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Alice A'))));
  await bob.iq(xml('iq', { type: 'get', to: OUR_DOMAIN }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 10000);
  const card = await bob.iq(xml('iq', { type: 'get', to: ALICE }, xml('vCard', { xmlns: 'vcard-temp' })), 10000);
  expect(card.getChild('vCard', 'vcard-temp')?.getChildText('FN')).toBe('Alice A');
  const ourInfo = await bob.iq(xml('iq', { type: 'get', to: OUR_DOMAIN }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })), 10000);
  expect(ourInfo.getChild('query')?.getChildren('identity')[0]?.attrs.category).toBe('server');
});

test('blocking (XEP-0191) applies to a remote JID', async () => {
  await alice.iq(xml('iq', { type: 'set' }, xml('block', { xmlns: 'urn:xmpp:blocking' }, xml('item', { jid: BOB }))));
  await bob.send(chat(ALICE, 'while blocked'));
  const bounced = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.from === ALICE, 10000, 'bob: the error for his message');
  expect(errorCondition(bounced)).toBe('service-unavailable');
  await alice.iq(xml('iq', { type: 'set' }, xml('unblock', { xmlns: 'urn:xmpp:blocking' }, xml('item', { jid: BOB }))));
  await bob.send(chat(ALICE, 'after unblock'));
  await alice.waitFor(bodyIs('after unblock'), 10000, 'alice: the message after unblocking');
  expect(alice.received.some(bodyIs('while blocked'))).toBe(false);
});

test("a user of Prosody in one of our rooms: joins, talks and hears", async () => {
  const room = `lobby@conference.${OUR_DOMAIN}`;
  await createRoom(alice, room, 'Alice');
  const joined = await join(bob, room, 'Bob');
  expect(joined.attrs.from).toBe(`${room}/Bob`);
  await alice.waitFor((s) => s.is('presence') && s.attrs.from === `${room}/Bob`, 10000, 'alice: bob in the room');
  await bob.send(groupchat(room, 'hello from b', 'g-b'));
  await alice.waitFor((s) => s.is('message') && s.attrs.type === 'groupchat' && s.getChildText('body') === 'hello from b', 10000, "alice: bob's groupchat message");
  await alice.send(groupchat(room, 'hello from a', 'g-a'));
  const atBob = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'groupchat' && s.getChildText('body') === 'hello from a', 10000, "bob: alice's groupchat message");
  expect(atBob.attrs.from).toBe(`${room}/Alice`);
});

test('a Prosody restart: a message sent while it is down waits and arrives once it is back, then messages flow', async () => {
  await world.stopProsody();
  await eventually('our links to b.localhost are gone', async () => (await world.links()).length === 0, 10000);

  // Dialed again (retryForMs) while Prosody is down; delivered (to its offline store, bob's
  // resource being gone) once it listens again.
  await alice.send(chat(`${BOB}/r`, 'while down'));
  await world.startProsody();
  bob = await world.theirs('bob', 'again');
  await getRoster(bob);
  await bob.send(xml('presence'));
  await bob.waitFor(bodyIs('while down'), 20000, 'bob: the message sent while Prosody was down');
  expect(alice.received.some((s) => s.is('message') && s.attrs.type === 'error')).toBe(false);
  await alice.waitFor((s) => presenceOf(`${BOB}/again`)(s), 20000, "alice: bob's presence after the restart");
  await alice.send(chat(`${BOB}/again`, 'after restart'));
  await bob.waitFor(bodyIs('after restart'), 20000, 'bob: the message after the restart');
  await bob.send(chat(ALICE, 'back'));
  await alice.waitFor(bodyIs('back'), 20000, 'alice: the message after the restart');
  await roundTrip(alice, OUR_DOMAIN);
});
