import type { Element } from 'ltx';
import { TestCluster, type ClusterNode } from '../../../../test/support/cluster-harness';
import { connectClient, xml, type TestClient } from '../../../../test/support/xmpp-client';
import { chatClientCaps, type ClientCaps } from '../../../../test/support/client-caps';
import { mutualSubscription } from '../../../../test/cluster/cluster-steps';
import { capsSettled } from '../../../testing/world';
import { eventually } from '../../../testing/eventually';

const TUNE = 'http://jabber.org/protocol/tune';
const EVENT = 'http://jabber.org/protocol/pubsub#event';

let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;
const clients: TestClient[] = [];

beforeAll(async () => {
  cluster = new TestCluster();
  [a] = await cluster.start('a');
  [b] = await cluster.start('b');
  await cluster.createUsers('alice', 'bob');
}, 120000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await cluster?.stop();
});

async function online(node: ClusterNode, user: string, resource: string, caps: ClientCaps): Promise<TestClient> {
  const client = await connectClient(node, { username: user, password: `${user}-secret`, resource, caps });
  clients.push(client);
  await client.send(xml('presence'));
  await client.waitFor((s) => s.is('presence') && s.attrs.from === client.jid && s.attrs.type === undefined, 5000, 'its own presence');
  await capsSettled(client, node.domain);
  return client;
}

test('a ver verified on one node is known on the other: its clients are not asked and get the events', async () => {
  const follows = chatClientCaps(TUNE, 'urn:example:only-in-this-test');
  const alice = await online(a, 'alice', 'desk', follows);
  expect(alice.discoRequests).toHaveLength(1);

  let bob: TestClient | undefined;
  // The ver replicates through Redis; a client that logs in before it arrived would be asked once more.
  await eventually('node b knows the ver node a verified', async () => {
    if (bob) await bob.stop();
    bob = await online(b, 'bob', `pc-${Date.now()}`, follows);
    return bob.discoRequests.length === 0;
  });
  if (!bob) throw new Error('bob never logged in');
  expect(bob.discoRequests).toEqual([]);

  await mutualSubscription(alice, bob);
  const publish = xml('iq', { type: 'set' }, xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node: TUNE }, xml('item', {}, xml('tune', { xmlns: TUNE }, xml('title', {}, 'Across nodes'))))));
  await alice.iq(publish);
  const isTune = (s: Element) => s.getChild('event', EVENT)?.getChild('items')?.getChild('item')?.getChild('tune', TUNE)?.getChildText('title') === 'Across nodes';
  await bob.waitFor(isTune, 5000, "alice's tune on the other node");
  await alice.waitFor(isTune, 5000, "alice's tune at herself");
});
