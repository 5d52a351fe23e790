/** Two nodes on Redis and PostgreSQL: a user's last resource may end on either node. */
import path from 'node:path';
import { connectClient, eventually, mutualSubscription, presence, TestCluster, xml, type ClusterNode, type TestClient } from '@asterisk-im/server-core/testing';
import { LAST_NS } from '../src';

const lastQuery = (to: string) => xml('iq', { type: 'get', to }, xml('query', { xmlns: LAST_NS }));

let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;
const clients: TestClient[] = [];

async function online(node: ClusterNode, user: string, resource: string): Promise<TestClient> {
  const client = await connectClient(node, { username: user, password: `${user}-secret`, resource });
  clients.push(client);
  await client.send(presence(undefined));
  return client;
}

beforeAll(async () => {
  cluster = new TestCluster({ config: { plugins: [{ name: 'last-activity', path: path.resolve(__dirname, '..') }] } });
  [a, b] = await cluster.start('a', 'b');
  await cluster.createUsers('alice', 'bob');
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.stop()));
  await cluster?.stop();
});

test('a resource on the other node keeps the user online; the last one to end, on either node, is the logout', async () => {
  const alice = await online(a, 'alice', 'desk');
  const bobOnA = await online(a, 'bob', 'desk');
  await mutualSubscription(a, alice, bobOnA);
  const bobOnB = await online(b, 'bob', 'phone');
  await bobOnA.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Left the desk')));
  await alice.waitFor((s) => s.is('presence') && s.attrs.from === `bob@${a.domain}/desk` && s.attrs.type === 'unavailable');
  await bobOnA.stop();
  // Node b still holds a resource: bob is online, and his status is nobody's business yet.
  const meanwhile = (await alice.iq(lastQuery(`bob@${a.domain}`))).getChild('query')!;
  expect(meanwhile.attrs.seconds).toBe('0');
  expect(meanwhile.getText()).toBe('');
  await bobOnB.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Out for lunch')));
  await bobOnB.stop();
  // Node b wrote the logout to the shared database; node a answers it.
  await eventually("bob's logout on node b is known on node a", async () => {
    const query = (await alice.iq(lastQuery(`bob@${a.domain}`))).getChild('query')!;
    if (process.env.DEBUG_LA) console.log(Date.now(), query.toString());
    return query.getText() === 'Out for lunch';
  }, 10_000);
}, 60_000);
