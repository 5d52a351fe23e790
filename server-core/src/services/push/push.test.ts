import path from 'node:path';
import type { Element } from 'ltx';
import { eventually } from '../../../testing';
import { startWorld, chat, iqFailure, roundTrip, xml, type World, type TestClient } from '../../../testing/world';

const PUSH = 'urn:xmpp:push:0';
const RECORDED = 'urn:test:push-recorder';
const RECORDER = path.resolve(__dirname, '../../../test/plugins/push-recorder');

const publishOptions = (secret: string) =>
  xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
    xml('field', { var: 'secret' }, xml('value', {}, secret)),
  );

const enable = (node: string, secret: string) => xml('iq', { type: 'set' }, xml('enable', { xmlns: PUSH, jid: 'push.localhost', node }, publishOptions(secret)));
const disable = (node: string) => xml('iq', { type: 'set' }, xml('disable', { xmlns: PUSH, jid: 'push.localhost', node }));

/** The notification the app server got, as it relayed it. */
interface Seen {
  from: string;
  node: string;
  fields: Record<string, string | null>;
  secret: string | null | undefined;
}

function seen(stanza: Element): Seen | undefined {
  const recorded = stanza.getChild('recorded', RECORDED);
  const pubsub = recorded?.getChild('pubsub');
  if (!recorded || !pubsub) return undefined;
  const publish = pubsub.getChild('publish')!;
  const form = publish.getChild('item')!.getChild('notification', PUSH)!.getChild('x', 'jabber:x:data')!;
  const fields = Object.fromEntries(form.getChildren('field').map((f) => [String(f.attrs.var), f.getChildText('value')]));
  const options = pubsub.getChild('publish-options')?.getChild('x', 'jabber:x:data');
  const secret = options?.getChildren('field').find((f) => f.attrs.var === 'secret')?.getChildText('value');
  return { from: String(recorded.attrs.from), node: String(publish.attrs.node), fields, secret };
}

const notifications = (observer: TestClient): Seen[] => observer.received.map(seen).filter((s): s is Seen => s !== undefined);

async function offline(world: World, client: TestClient, bare: string): Promise<void> {
  await client.stop();
  await eventually(`${bare} has no session`, () => world.server.server.context.routes.resourcesOf(bare).length === 0);
}

describe('Push Notifications (XEP-0357)', () => {
  let world: World;
  let observer: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    world = await startWorld(['alice', 'bob', 'carol', 'dave', 'observer'], {
      plugins: [{ name: 'push-recorder', path: RECORDER, config: { observer: 'observer@localhost/log' } }],
      modules: { push: { config: { includeBody: true } } },
    });
    observer = await world.online('observer', 'log');
    bob = await world.online('bob', 'phone');
  });
  afterAll(async () => world?.stop());

  it('announces a message stored for an offline account, never one an active session took', async () => {
    const alice = await world.online('alice', 'phone');
    const info = (await alice.iq(xml('iq', { type: 'get', to: 'alice@localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })))).getChild('query')!;
    expect(info.getChildren('feature').map((f) => f.attrs.var)).toContain(PUSH);
    await alice.iq(enable('inbox', 's3cret'));

    await bob.send(chat('alice@localhost', 'while online'));
    await alice.waitFor((s) => s.is('message') && s.getChildText('body') === 'while online');
    await offline(world, alice, 'alice@localhost');

    await bob.send(chat('alice@localhost', 'while offline'));
    await observer.waitFor((s) => seen(s) !== undefined, 5000, 'a push notification');
    // The notification of the offline message is the marker: one for the delivered message would have come first.
    expect(notifications(observer)).toEqual([
      {
        from: 'alice@localhost',
        node: 'inbox',
        fields: { FORM_TYPE: 'urn:xmpp:push:summary', 'message-count': '1', 'last-message-sender': 'bob@localhost', 'last-message-body': 'while offline' },
        secret: 's3cret',
      },
    ]);

    await bob.send(chat('alice@localhost', 'second'));
    await eventually('a second notification', () => notifications(observer).length === 2);
    expect(notifications(observer)[1].fields['message-count']).toBe('2');
  });

  it('stops after disable; other registrations stay', async () => {
    observer.received.length = 0;
    const alice = await world.online('alice', 'desk');
    await alice.iq(enable('second', 'other'));
    await alice.iq(disable('inbox'));
    await offline(world, alice, 'alice@localhost');
    await bob.send(chat('alice@localhost', 'after disable'));
    await eventually('the notification for the node still enabled', () => notifications(observer).some((n) => n.node === 'second' && n.fields['last-message-body'] === 'after disable'));
    expect(notifications(observer).filter((n) => n.node === 'inbox')).toEqual([]);
  });

  it('sends nothing for a message without a body, and refuses changes for another account', async () => {
    observer.received.length = 0;
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'marker')));
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('store', { xmlns: 'urn:xmpp:hints' }), xml('active', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await bob.send(chat('alice@localhost', 'last marker'));
    await eventually('the two notifications with bodies', () => notifications(observer).length === 2);
    expect(notifications(observer).map((n) => n.fields['last-message-body'])).toEqual(['marker', 'last marker']);
    const refused = await iqFailure(bob, xml('iq', { type: 'set', to: 'alice@localhost' }, xml('enable', { xmlns: PUSH, jid: 'push.localhost', node: 'x' })));
    expect(refused.condition).toBe('forbidden');
  });

  it('sends nothing while disabled and resumes with the stored registrations', async () => {
    observer.received.length = 0;
    const { plugins } = world.server.server;
    await plugins.disable('push');
    expect((await iqFailure(bob, xml('iq', { type: 'set' }, xml('enable', { xmlns: PUSH, jid: 'push.localhost', node: 'x' })))).condition).toBe('service-unavailable');
    const stored = await world.server.server.context.stores.offline.count('alice');
    await bob.send(chat('alice@localhost', 'while push is off'));
    await eventually('the message stored while push is off', async () => (await world.server.server.context.stores.offline.count('alice')) === stored + 1);
    await plugins.enable('push');
    await bob.send(chat('alice@localhost', 'push is back'));
    await eventually('the notification after enable', () => notifications(observer).some((n) => n.fields['last-message-body'] === 'push is back'));
    expect(notifications(observer).map((n) => n.fields['last-message-body'])).toEqual(['push is back']);
  });

  it('announces a message to a session whose client is inactive (XEP-0352), not after it is active again', async () => {
    observer.received.length = 0;
    const carol = await world.online('carol', 'phone');
    await carol.iq(enable('carol-node', 'c'));
    const state = async (name: 'active' | 'inactive') => {
      await carol.raw.send(xml(name, { xmlns: 'urn:xmpp:csi:0' }));
      await roundTrip(carol, world.domain);
    };
    await state('inactive');
    await bob.send(chat('carol@localhost', 'while inactive'));
    await carol.waitFor((s) => s.is('message') && s.getChildText('body') === 'while inactive');
    await eventually('the notification for the inactive session', () => notifications(observer).length === 1);
    await state('active');
    await bob.send(chat('carol@localhost', 'while active'));
    await carol.waitFor((s) => s.is('message') && s.getChildText('body') === 'while active');
    await state('inactive');
    await bob.send(chat('carol@localhost', 'inactive again'));
    await eventually('the notification after the client went inactive again', () => notifications(observer).length === 2);
    expect(notifications(observer).map((n) => [n.node, n.fields['message-count'], n.fields['last-message-body']])).toEqual([
      ['carol-node', '1', 'while inactive'],
      ['carol-node', '1', 'inactive again'],
    ]);
  });

  it('announces a message to a session detached by stream management (XEP-0198)', async () => {
    observer.received.length = 0;
    const dave = await world.online('dave', 'phone');
    await dave.iq(enable('dave-node', 'd'));
    // The connection drops without a stream end and the client does not come back: the session waits to be resumed.
    dave.raw.reconnect.stop();
    // After STARTTLS the connection's socket wraps the TLS socket; destroying that one drops the TCP connection.
    (dave.raw as unknown as { socket: { socket: { destroy(): void } } }).socket.socket.destroy();
    await eventually('dave detached', () => world.server.server.context.sessions.get('dave@localhost/phone')?.isDetached === true);
    await bob.send(chat('dave@localhost', 'while detached'));
    await eventually('the notification for the detached session', () => notifications(observer).length === 1);
    expect(notifications(observer)[0]).toMatchObject({ node: 'dave-node', fields: { 'message-count': '1', 'last-message-body': 'while detached' } });

    // The session is never resumed: it ends (as its resume timeout would end it) and the message it
    // never acknowledged goes to offline storage, without a second notification for it.
    await world.server.server.context.sessions.get('dave@localhost/phone')!.end();
    await eventually('the unacknowledged message stored', async () => (await world.server.server.context.stores.offline.count('dave')) === 1);
    // The next message, stored for dave while he is offline, is announced: after it, nothing more is on its way.
    await bob.send(chat('dave@localhost', 'after the end'));
    await eventually('the notification for the stored message', () => notifications(observer).length >= 2);
    expect(notifications(observer).map((n) => n.fields['last-message-body'])).toEqual(['while detached', 'after the end']);
  });
});
