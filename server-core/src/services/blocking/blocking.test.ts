import { startWorld, chat, bodyIs, errorCondition, iqFailure, roundTrip, xml, type World, type TestClient } from '../../../testing/world';
import type { Element } from 'ltx';

const BLOCKING = 'urn:xmpp:blocking';

const block = (...jids: string[]) => xml('iq', { type: 'set' }, xml('block', { xmlns: BLOCKING }, ...jids.map((jid) => xml('item', { jid }))));
const unblock = (...jids: string[]) => xml('iq', { type: 'set' }, xml('unblock', { xmlns: BLOCKING }, ...jids.map((jid) => xml('item', { jid }))));

async function blocklist(client: TestClient): Promise<string[]> {
  const result = await client.iq(xml('iq', { type: 'get' }, xml('blocklist', { xmlns: BLOCKING })));
  return result.getChild('blocklist', BLOCKING)!.getChildren('item').map((item) => String(item.attrs.jid));
}

const pushOf = (kind: 'block' | 'unblock', jid?: string) => (stanza: Element) => {
  const change = stanza.is('iq') && stanza.attrs.type === 'set' ? stanza.getChild(kind, BLOCKING) : undefined;
  if (!change) return false;
  const items = change.getChildren('item').map((item) => item.attrs.jid);
  return jid === undefined ? items.length === 0 : items.includes(jid);
};

describe('blocking command (XEP-0191)', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob', 'carol']);
  });
  afterEach(() => world.stop());

  test('blocking pushes the change to every resource that asked for the blocklist', async () => {
    const desk = await world.online('alice', 'desk');
    const phone = await world.online('alice', 'phone');
    expect(await blocklist(phone)).toEqual([]);
    await desk.iq(block(jid('bob')));
    const push = await phone.waitFor(pushOf('block', jid('bob')), 5000, 'a block push');
    expect(push.attrs.to).toBe(`${jid('alice')}/phone`);
    expect(await blocklist(desk)).toEqual([jid('bob')]);

    await desk.iq(unblock());
    await phone.waitFor(pushOf('unblock'), 5000, 'an unblock-all push');
    expect(await blocklist(phone)).toEqual([]);
  });

  test("a blocked contact's messages are refused with service-unavailable, and delivered again after unblocking", async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    await alice.iq(block(jid('bob')));

    await bob.send(chat(jid('alice'), 'you cannot hear me'));
    await bob.send(chat(`${jid('alice')}/pc`, 'nor here'));
    await roundTrip(bob, world.domain);
    await carol.send(chat(jid('alice'), 'sync marker'));
    await alice.waitFor(bodyIs('sync marker'));
    expect(alice.received.some(bodyIs('you cannot hear me'))).toBe(false);
    expect(alice.received.some(bodyIs('nor here'))).toBe(false);
    // XEP-0191 3.3: the same answer an absent user's server gives, so bob cannot tell he is blocked.
    const bounces = bob.received.filter((s) => s.is('message') && s.attrs.type === 'error');
    expect(bounces.map(errorCondition)).toEqual(['service-unavailable', 'service-unavailable']);
    expect(bounces.some((s) => s.getChild('error')!.getChild('blocked', 'urn:xmpp:blocking:errors'))).toBe(false);

    await alice.iq(unblock(jid('bob')));
    await bob.send(chat(jid('alice'), 'friends again'));
    await alice.waitFor(bodyIs('friends again'));
  });

  test("a blocked contact's messages are not stored while the user is offline", async () => {
    const alice = await world.online('alice', 'pc');
    await alice.iq(block(jid('bob')));
    await alice.stop();
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    await bob.send(chat(jid('alice'), 'stored for nobody'));
    await carol.send(chat(jid('alice'), 'stored for alice'));
    await roundTrip(bob, world.domain);
    await roundTrip(carol, world.domain);
    expect(await world.server.server.context.stores.offline.count('alice')).toBe(1);
  });

  test('a blocked contact asking the user something gets service-unavailable', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await alice.iq(block(jid('bob')));
    const ping = xml('iq', { type: 'get', to: `${jid('alice')}/pc` }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
    expect((await iqFailure(bob, ping)).condition).toBe('service-unavailable');
  });

  test('sending to a blocked contact bounces with not-acceptable and <blocked/>', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await alice.iq(block(jid('bob')));
    await alice.send(xml('message', { to: jid('bob'), type: 'chat', id: 'm1' }, xml('body', {}, 'psst')));
    const error = await alice.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'm1');
    expect(errorCondition(error)).toBe('not-acceptable');
    expect(error.getChild('error')!.getChild('blocked', 'urn:xmpp:blocking:errors')).toBeDefined();

    const failure = await iqFailure(alice, xml('iq', { type: 'get', to: `${jid('bob')}/pc` }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(failure.condition).toBe('not-acceptable');
    expect(failure.application?.is('blocked', 'urn:xmpp:blocking:errors')).toBe(true);

    await alice.send(chat(jid('carol'), 'sync marker'));
    await roundTrip(alice, world.domain);
    await roundTrip(bob, world.domain);
    expect(bob.received.some(bodyIs('psst'))).toBe(false);
  });

  test("the user's presence no longer reaches a contact they block, but still reaches the others", async () => {
    const rosters = world.server.server.context.stores.rosters;
    const friends = async (a: string, b: string) => {
      const item = (jidOf: string) => ({ jid: jidOf, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
      await rosters.put(a, item(jid(b)));
      await rosters.put(b, item(jid(a)));
    };
    await friends('alice', 'bob');
    await friends('alice', 'carol');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    const alice = await world.online('alice', 'pc');
    const showOf = (show: string) => (s: Element) => s.is('presence') && s.attrs.from === `${jid('alice')}/pc` && s.getChildText('show') === show;
    await alice.send(xml('presence', {}, xml('show', {}, 'chat')));
    await bob.waitFor(showOf('chat'));

    await alice.iq(block(jid('bob')));
    await alice.send(xml('presence', {}, xml('show', {}, 'away')));
    await carol.waitFor(showOf('away'));
    await roundTrip(alice, world.domain);
    await roundTrip(bob, world.domain);
    expect(bob.received.some(showOf('away'))).toBe(false);
  });

  test('a domain can be blocked; a malformed JID or an empty block is refused', async () => {
    const alice = await world.online('alice', 'pc');
    await alice.iq(block(`spam.${world.domain}`));
    expect(await blocklist(alice)).toEqual([`spam.${world.domain}`]);
    expect((await iqFailure(alice, block('bad@@jid'))).condition).toBe('jid-malformed');
    expect((await iqFailure(alice, xml('iq', { type: 'set' }, xml('block', { xmlns: BLOCKING })))).condition).toBe('bad-request');
  });
});
