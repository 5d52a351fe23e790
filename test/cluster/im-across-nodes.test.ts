import { getRoster, rosterPush, setRosterItem } from '../../server-core/testing/presence-steps';
import { TestCluster } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { bare, mutualSubscription, online, presenceOf, stopAll } from './cluster-steps';

const bodyOf = (text: string) => (s: { is(name: string): boolean; getChildText(name: string): string | null }) => s.is('message') && s.getChildText('body') === text;

describe('three server processes act as one XMPP service', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('roster pushes, subscriptions, presence, messages and offline messages cross nodes', async () => {
    const [a, b, c] = await cluster.start('a', 'b', 'c');
    await cluster.createUsers('alice', 'bob', 'carol', 'dave');
    const aliceDesk = await online(a, 'alice', 'desk');
    const alicePhone = await online(c, 'alice', 'phone');
    const bob = await online(b, 'bob', 'laptop');
    const carol = await online(c, 'carol', 'tablet');
    clients.push(aliceDesk, alicePhone, bob, carol);

    // Roster set on node a is pushed to alice's resource on node c.
    await getRoster(alicePhone);
    await setRosterItem(aliceDesk, 'carol@localhost', { name: 'Carol' });
    await alicePhone.waitFor(rosterPush('carol@localhost', (item) => item.attrs.name === 'Carol'), 5000, 'the roster push');

    // Subscription handshake between nodes a and b; available presence crosses both ways.
    await mutualSubscription(aliceDesk, bob);
    await bob.waitFor(presenceOf(alicePhone.jid), 5000, 'presence of alice on node c');

    // Presence change on node c reaches bob on node b.
    await alicePhone.send(xml('presence', {}, xml('show', {}, 'away')));
    await bob.waitFor((s) => presenceOf(alicePhone.jid)(s) && s.getChildText('show') === 'away', 5000, 'away from alice/phone');

    // Message to a full JID on another node reaches only that resource.
    await bob.send(xml('message', { to: alicePhone.jid, type: 'chat' }, xml('body', {}, 'to the phone')));
    await alicePhone.waitFor(bodyOf('to the phone'), 5000, 'the full-JID message');
    // Message to a bare JID on another node.
    await bob.send(xml('message', { to: 'carol@localhost', type: 'chat' }, xml('body', {}, 'hello carol')));
    await carol.waitFor(bodyOf('hello carol'), 5000, 'the bare-JID message');
    await aliceDesk.send(xml('message', { to: bare(bob.jid), type: 'chat' }, xml('body', {}, 'from the desk')));
    const got = await bob.waitFor(bodyOf('from the desk'), 5000, 'the message from node a');
    expect(got.attrs.from).toBe(aliceDesk.jid);
    expect(aliceDesk.received.some(bodyOf('to the phone'))).toBe(false);

    // Offline message stored through node a, delivered when dave comes online on node c.
    // No wait: a message stored while dave logs in (its insert still on the way) is handed to that login.
    await aliceDesk.send(xml('message', { to: 'dave@localhost', type: 'chat' }, xml('body', {}, 'while you were away')));
    const dave = await online(c, 'dave', 'home');
    clients.push(dave);
    const offline = await dave.waitFor(bodyOf('while you were away'), 5000, 'the offline message');
    expect(bare(String(offline.attrs.from))).toBe('alice@localhost');
  }, 120000);
});
