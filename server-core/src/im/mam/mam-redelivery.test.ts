/**
 * Archived once whatever node delivers: two nodes in one process, sharing Redis and one
 * PostgreSQL schema. A message routed by node a to a resource that node b no longer holds is
 * handed back to the IM rules on node b, which deliver it to another resource without
 * archiving it a second time.
 */
import { TestClusterWorld } from '../../../testing/cluster-world';
import { nodeStorage, type NodeStorage } from '../../../../test/support/node-storage';
import { startTestServer, type TestServer } from '../../../../test/support/server-harness';
import { connectClient, xml, type TestClient } from '../../../../test/support/xmpp-client';
import { queryArchive, stanzaIdOf } from '../../../../test/support/mam-steps';
import { bodyIs, roundTrip } from '../../../testing/world';

describe('the archive when another node delivers', () => {
  const world = new TestClusterWorld();
  let storage: NodeStorage;
  let a: TestServer;
  let b: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    storage = await nodeStorage('postgres');
    a = await startTestServer({ cluster: world.node('node-a'), config: storage.config });
    b = await startTestServer({ cluster: world.node('node-b'), config: storage.config });
    await a.createUser('alice', 'alice-password');
    await a.createUser('bob', 'bob-password');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await b?.stop();
    await a?.stop();
    await world.stopAll();
    await storage?.dispose();
  });

  it('keeps one copy per archive when the message is handed back on the other node', async () => {
    const phone = await connectClient(b, { username: 'alice', password: 'alice-password', resource: 'phone' });
    const bob = await connectClient(a, { username: 'bob', password: 'bob-password', resource: 'pc' });
    clients.push(phone, bob);
    await phone.send(xml('presence'));
    await roundTrip(phone, b.domain);
    // A route to node b for a resource node b does not hold: what a node sees for a moment when
    // the resource leaves while a message to it is on its way.
    const gone = 'alice@localhost/gone';
    await a.server.context.routes.set(gone, { node: b.server.context.nodeId, priority: 0, available: true });
    try {
      await bob.send(xml('message', { to: gone, type: 'chat' }, xml('body', {}, 'to a resource that left')));
      const received = await phone.waitFor(bodyIs('to a resource that left'), 5000, 'the message handed back on node b');
      const page = await queryArchive(phone);
      expect(page.messages.map((m) => m.body)).toEqual(['to a resource that left']);
      expect(stanzaIdOf(received, 'alice@localhost')).toBe(page.messages[0]!.id);
      expect(received.getChildren('stanza-id', 'urn:xmpp:sid:0')).toHaveLength(1);
      expect((await queryArchive(bob)).messages.map((m) => m.body)).toEqual(['to a resource that left']);
    } finally {
      await a.server.context.routes.remove(gone);
    }
  });
});
