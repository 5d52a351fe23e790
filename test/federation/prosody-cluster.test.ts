/**
 * Federation from a cluster: two nodes of a.localhost (shared Redis and PostgreSQL) and a
 * private Prosody whose static route points at node 2 only. Alice is on node 1, so:
 * - bob's stanzas arrive on node 2's incoming link and reach alice through the router;
 * - alice's stanzas leave on node 1's own outgoing link, and Prosody checks node 1's dialback
 *   key by asking node 2, which confirms it with the secret the nodes share.
 */
import { chat, bodyIs, xml, type TestClient } from '../../server-core/testing';
import { getRoster } from '../../server-core/testing/presence-steps';
import { startFederation, OUR_DOMAIN, PROSODY_DOMAIN, type FederationWorld } from './federation-world';

jest.setTimeout(60000);

let world: FederationWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  world = await startFederation({ ourUsers: ['alice'], prosodyUsers: ['bob'], clusterNodes: 2 });
  alice = await world.ours('alice', 'r', 0);
  bob = await world.theirs('bob');
  for (const client of [alice, bob]) {
    await getRoster(client);
    await client.send(xml('presence'));
  }
});

afterAll(async () => {
  await world?.stop();
});

test('messages both ways between a user on node 1 and Prosody, which only reaches node 2', async () => {
  await bob.send(chat(`alice@${OUR_DOMAIN}/r`, 'to node 1 through node 2'));
  await alice.waitFor(bodyIs('to node 1 through node 2'), 20000, 'alice on node 1: the message from bob');
  await alice.send(chat(`bob@${PROSODY_DOMAIN}/r`, 'from node 1'));
  await bob.waitFor(bodyIs('from node 1'), 20000, 'bob: the message from node 1');

  const links = (await world.links()).map((l) => `${l.node} ${l.direction} ${l.remoteDomain} ${l.authMethod}`).sort();
  const [one, two] = world.nodes.map((n) => n.server.context.nodeId);
  expect(links).toEqual([`${one} outgoing ${PROSODY_DOMAIN} dialback`, `${two} incoming ${PROSODY_DOMAIN} dialback`]);
});
