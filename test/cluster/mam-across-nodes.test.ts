/**
 * XEP-0313 in a cluster of real server processes (Redis + PostgreSQL): a message between users
 * on different nodes is archived once in each archive, whichever node delivers it, and a
 * preference set through one node applies on the node that routes the next message.
 */
import { TestCluster } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { queryArchive, stanzaIdOf, MAM } from '../support/mam-steps';
import { online, stopAll } from './cluster-steps';
import { bodyIs, chat } from '../../server-core/testing/world';


describe('the message archive across two nodes', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('archives each message once per archive when sender and recipient are on different nodes', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob');
    const aliceDesk = await online(a, 'alice', 'desk');
    const aliceLaptop = await online(b, 'alice', 'laptop');
    const bob = await online(b, 'bob', 'pc');
    clients.push(aliceDesk, aliceLaptop, bob);

    // To the bare JID with two equal resources on two nodes: both get it, with one archive id.
    await bob.send(chat('alice@localhost', 'to both'));
    const onA = await aliceDesk.waitFor(bodyIs('to both'), 5000, 'the message on node a');
    const onB = await aliceLaptop.waitFor(bodyIs('to both'), 5000, 'the message on node b');
    expect(stanzaIdOf(onA, 'alice@localhost')).toBeDefined();
    expect(stanzaIdOf(onB, 'alice@localhost')).toBe(stanzaIdOf(onA, 'alice@localhost'));
    // From node a to bob on node b, and to a full JID on the other node.
    await aliceDesk.send(chat('bob@localhost', 'reply from a'));
    await bob.waitFor(bodyIs('reply from a'), 5000, 'the reply on node b');
    await bob.send(chat(aliceDesk.jid, 'to the desk'));
    await aliceDesk.waitFor(bodyIs('to the desk'), 5000, 'the full-JID message on node a');

    const expected = ['to both', 'reply from a', 'to the desk'];
    for (const client of [aliceDesk, aliceLaptop]) {
      const page = await queryArchive(client);
      expect(page.messages.map((m) => m.body)).toEqual(expected);
      expect(new Set(page.messages.map((m) => m.id)).size).toBe(expected.length);
    }
    expect((await queryArchive(bob)).messages.map((m) => m.body)).toEqual(expected);

    // Preferences set through node a; the next message is routed (and archived) by node b.
    await aliceDesk.iq(xml('iq', { type: 'set' }, xml('prefs', { xmlns: MAM, default: 'never' })));
    await bob.send(chat('alice@localhost', 'not archived'));
    const unarchived = await aliceDesk.waitFor(bodyIs('not archived'), 5000, 'the message after the change');
    expect(stanzaIdOf(unarchived, 'alice@localhost')).toBeUndefined();
    expect((await queryArchive(aliceLaptop)).messages.map((m) => m.body)).toEqual(expected);
    // Bob's own preferences still keep his copy.
    expect((await queryArchive(bob)).messages.map((m) => m.body)).toEqual([...expected, 'not archived']);
  }, 120000);
});
