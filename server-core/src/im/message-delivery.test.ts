import { startWorld, roundTrip, chat, bodyIs, errorCondition, xml, type World } from '../../testing/world';
import { eventually } from '../../testing/eventually';

describe('message delivery to local users', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob', 'carol'], { limits: { offlineMessagesPerUser: 2 } });
  });
  afterEach(() => world.stop());

  test('a chat to the bare JID reaches only the resource with the highest priority', async () => {
    const low = await world.online('alice', 'low', { priority: 1 });
    const high = await world.online('alice', 'high', { priority: 7 });
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'to the top'));
    await bob.send(chat(`${jid('alice')}/low`, 'sync marker'));
    const got = await high.waitFor(bodyIs('to the top'));
    expect(got.attrs.from).toBe(`${jid('bob')}/pc`);
    await low.waitFor(bodyIs('sync marker'));
    expect(low.received.some(bodyIs('to the top'))).toBe(false);
  });

  test('resources tied at the top priority all get the chat, negative priority ones never', async () => {
    const one = await world.online('alice', 'one', { priority: 3 });
    const two = await world.online('alice', 'two', { priority: 3 });
    const hidden = await world.online('alice', 'hidden', { priority: -1 });
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'for both'));
    await bob.send(chat(`${jid('alice')}/hidden`, 'direct to hidden'));
    await one.waitFor(bodyIs('for both'));
    await two.waitFor(bodyIs('for both'));
    await hidden.waitFor(bodyIs('direct to hidden'));
    expect(hidden.received.some(bodyIs('for both'))).toBe(false);
  });

  test('a message to a full JID goes to that resource only, whatever its priority', async () => {
    const main = await world.online('alice', 'main', { priority: 10 });
    const side = await world.online('alice', 'side', { priority: 0 });
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(`${jid('alice')}/side`, 'just for side'));
    await bob.send(chat(`${jid('alice')}/main`, 'sync marker'));
    await side.waitFor(bodyIs('just for side'));
    await main.waitFor(bodyIs('sync marker'));
    expect(main.received.some(bodyIs('just for side'))).toBe(false);
  });

  test('a chat to a resource that is gone falls back to the bare JID', async () => {
    const main = await world.online('alice', 'main');
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(`${jid('alice')}/gone`, 'rerouted'));
    await main.waitFor(bodyIs('rerouted'));
  });

  test('a headline reaches every available resource with a non-negative priority', async () => {
    const one = await world.online('alice', 'one', { priority: 1 });
    const two = await world.online('alice', 'two', { priority: 5 });
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'breaking news', 'headline'));
    await one.waitFor(bodyIs('breaking news'));
    await two.waitFor(bodyIs('breaking news'));
  });

  test('a groupchat message to a user bounces with service-unavailable', async () => {
    await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await bob.send(xml('message', { to: jid('alice'), type: 'groupchat', id: 'gc1' }, xml('body', {}, 'not a room')));
    const error = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'gc1');
    expect(errorCondition(error)).toBe('service-unavailable');
  });

  test('a chat to an account that does not exist bounces with service-unavailable', async () => {
    const bob = await world.online('bob', 'pc');
    await bob.send(xml('message', { to: jid('nobody'), type: 'chat', id: 'ghost' }, xml('body', {}, 'hello?')));
    const error = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'ghost');
    expect(errorCondition(error)).toBe('service-unavailable');
    expect(error.attrs.from).toBe(jid('nobody'));
  });

  test('a chat to an offline user is delivered at the next login, stamped with a delay', async () => {
    const bob = await world.online('bob', 'pc');
    const before = Date.now();
    await bob.send(chat(jid('alice'), 'while you were out'));
    await roundTrip(bob, world.domain);
    expect(await world.server.server.context.stores.offline.count('alice')).toBe(1);

    const alice = await world.online('alice', 'phone');
    const got = await alice.waitFor(bodyIs('while you were out'));
    expect(got.attrs.from).toBe(`${jid('bob')}/pc`);
    const delay = got.getChild('delay', 'urn:xmpp:delay');
    expect(delay?.attrs.from).toBe(world.domain);
    expect(Date.parse(String(delay?.attrs.stamp))).toBeGreaterThanOrEqual(before - 1000);
    // The client uses stream management: the stored copy goes once it acknowledged the message.
    await eventually('the delivered message removed from storage', async () => (await world.server.server.context.stores.offline.count('alice')) === 0);
  });

  test('a chat stored while its recipient logs in is handed to that login, not left for the next one', async () => {
    // The real store, with its insert held until alice's login has read the (still empty) store.
    const store = world.server.server.context.stores.offline;
    const insert = store.push.bind(store);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserting = (): void => undefined;
    const reached = new Promise<void>((resolve) => (inserting = resolve));
    jest.spyOn(store, 'push').mockImplementationOnce(async (...args) => {
      inserting();
      await held;
      return insert(...args);
    });
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'while you logged in'));
    await reached;
    const alice = await world.online('alice', 'phone');
    release();
    await alice.waitFor(bodyIs('while you logged in'));
    await eventually('the delivered message removed from storage', async () => (await store.count('alice')) === 0);
  });

  test('offline storage keeps readable messages only, and none marked no-store', async () => {
    const bob = await world.online('bob', 'pc');
    await bob.send(xml('message', { to: jid('alice'), type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await bob.send(chat(jid('alice'), 'secret', 'chat', xml('no-store', { xmlns: 'urn:xmpp:hints' })));
    await bob.send(chat(jid('alice'), 'keep me'));
    await roundTrip(bob, world.domain);
    expect(await world.server.server.context.stores.offline.count('alice')).toBe(1);
    const alice = await world.online('alice', 'phone');
    await alice.waitFor(bodyIs('keep me'));
  });

  test('a full offline store bounces further chats with service-unavailable', async () => {
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'first'));
    await bob.send(chat(jid('alice'), 'second'));
    await bob.send(xml('message', { to: jid('alice'), type: 'chat', id: 'third' }, xml('body', {}, 'third')));
    const error = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'third');
    expect(errorCondition(error)).toBe('service-unavailable');
    const alice = await world.online('alice', 'phone');
    await alice.waitFor(bodyIs('second'));
    expect(alice.received.filter((s) => s.is('message')).map((s) => s.getChildText('body'))).toEqual(['first', 'second']);
  });

  test('a resource with negative priority does not take offline messages, the next available one does', async () => {
    const bob = await world.online('bob', 'pc');
    await bob.send(chat(jid('alice'), 'stored'));
    await roundTrip(bob, world.domain);
    const hidden = await world.online('alice', 'hidden', { priority: -5 });
    await bob.send(chat(jid('alice'), 'stored too'));
    await roundTrip(bob, world.domain);
    expect(await world.server.server.context.stores.offline.count('alice')).toBe(2);
    const visible = await world.online('alice', 'visible', { priority: 1 });
    await visible.waitFor(bodyIs('stored too'));
    expect(hidden.received.some(bodyIs('stored'))).toBe(false);
  });
});
