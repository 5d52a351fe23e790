/**
 * Two contacts on two nodes come online at the same moment while one node hears of the other's
 * changes late (its subscriber link to Redis stalls). Bob becomes available on node b first: his
 * probe of alice finds no presence (she is not available yet). Alice becomes available on node
 * a, which has not heard of bob's route yet: its broadcast cannot reach him. Bob must still get
 * alice's presence once node a catches up, not only at her next change. Redis, the relay and the
 * clients are real.
 */
import type { Element } from 'ltx';
import { TestClusterWorld } from '../../testing/cluster-world';
import { HoldingRelay, TEST_REDIS } from '../../testing/redis';
import type { RosterItem } from '../storage';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { connectClient, xml, type TestClient } from '../../../test/support/xmpp-client';
import { eventually } from '../../testing/eventually';

const friend = (jid: string): RosterItem => ({ jid, name: null, subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
const presenceFrom = (from: string, status: string) => (s: Element) => s.is('presence') && s.attrs.from === from && s.getChildText('status') === status;

const cluster = new TestClusterWorld();
let relay: HoldingRelay;
let a: TestServer;
let b: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  relay = await HoldingRelay.start(TEST_REDIS);
  a = await startTestServer({ cluster: cluster.node('node-a', { redis: relay.endpoint }) });
  b = await startTestServer({ cluster: cluster.node('node-b') });
  for (const server of [a, b]) {
    for (const user of ['alice', 'bob']) await server.createUser(user, `${user}-pw`);
    await server.server.context.stores.rosters.put('alice', friend(`bob@${a.domain}`));
    await server.server.context.stores.rosters.put('bob', friend(`alice@${a.domain}`));
  }
});
afterAll(async () => {
  for (const client of clients) await client.stop();
  await b?.stop();
  await a?.stop();
  await cluster.stopAll();
  await relay?.stop();
});

test("a contact who came online as node a sent its presence gets it once node a has heard of him", async () => {
  const alice = await connectClient(a, { username: 'alice', password: 'alice-pw', resource: 'desk' });
  const bob = await connectClient(b, { username: 'bob', password: 'bob-pw', resource: 'phone' });
  clients.push(alice, bob);
  // Both routes are known everywhere before the race: bound, not yet available.
  await eventually('node a knows bob bound', () => a.server.context.routes.resourcesOf(`bob@${a.domain}`).length === 1);
  await eventually('node b knows alice bound', () => b.server.context.routes.resourcesOf(`alice@${a.domain}`).length === 1);

  relay.holdSubscriptions();
  await bob.send(xml('presence', {}, xml('status', {}, 'bob here')));
  await eventually("bob's route available in Redis", () => b.server.context.routes.resourcesOf(`bob@${a.domain}`)[0]?.available === true);
  await alice.send(xml('presence', {}, xml('status', {}, 'alice here')));
  // Node a sent alice's presence (her own resource has it back, the broadcast's last step) while
  // it still took bob for not available.
  await alice.waitFor(presenceFrom(alice.jid, 'alice here'), 5000, "alice's own presence back");
  expect(a.server.context.routes.resourcesOf(`bob@${a.domain}`)[0]?.available).toBe(false);
  relay.releaseSubscriptions();
  await bob.waitFor(presenceFrom(alice.jid, 'alice here'), 5000, "alice's presence");
  // And alice hears of bob (his broadcast reached her, or her probe found him).
  await alice.waitFor(presenceFrom(bob.jid, 'bob here'), 5000, "bob's presence");
});
