/**
 * What an administrator sees of federation: the links on the admin API and the metrics of our
 * node (a.localhost, admin listener on) federating with a private Prosody (b.localhost).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chat, bodyIs, eventually, xml, type TestClient } from '../../server-core/testing';
import { ADMIN_TOKEN_FILE } from '../../server-core/src/admin/admin-token';
import { httpRequest } from '../attacks/admin-kit';
import { startFederation, OUR_DOMAIN, PROSODY_DOMAIN, type FederationWorld } from './federation-world';

jest.setTimeout(60000);

let world: FederationWorld;
let alice: TestClient;
let bob: TestClient;
let adminPort: number;
let token: string;

beforeAll(async () => {
  world = await startFederation({ ourUsers: ['alice'], prosodyUsers: ['bob'], nodeConfig: { listeners: { admin: { host: '127.0.0.1', port: 0 } } } });
  adminPort = world.node.server.addresses.admin.port;
  token = fs.readFileSync(path.join(world.node.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  alice = await world.ours('alice');
  bob = await world.theirs('bob');
  for (const client of [alice, bob]) await client.send(xml('presence'));
});

afterAll(async () => {
  await world?.stop();
});

const get = (urlPath: string, withToken = true) => httpRequest(adminPort, 'GET', urlPath, { headers: withToken ? { authorization: `Bearer ${token}` } : {} });

test('GET /api/plugins/s2s/links lists both links with domains, direction, method and since; the metrics count them', async () => {
  const before = Date.now();
  await alice.send(chat(`bob@${PROSODY_DOMAIN}/r`, 'hello'));
  await bob.waitFor(bodyIs('hello'), 20000, 'bob: the message');
  await bob.send(chat(`alice@${OUR_DOMAIN}/r`, 'back'));
  await alice.waitFor(bodyIs('back'), 20000, 'alice: the answer');

  await eventually('two links', async () => (await get('/api/plugins/s2s/links')).json.links.length === 2);
  const { status, json } = await get('/api/plugins/s2s/links');
  expect(status).toBe(200);
  const links = [...json.links].sort((x: { direction: string }, y: { direction: string }) => x.direction.localeCompare(y.direction));
  const node = world.node.server.context.nodeId;
  expect(links).toEqual([
    { localDomain: OUR_DOMAIN, remoteDomain: PROSODY_DOMAIN, direction: 'incoming', authMethod: 'dialback', since: expect.any(String), node, address: expect.stringContaining('127.0.0.1') },
    { localDomain: OUR_DOMAIN, remoteDomain: PROSODY_DOMAIN, direction: 'outgoing', authMethod: 'dialback', since: expect.any(String), node, address: expect.stringContaining('127.0.0.1') },
  ]);
  for (const link of links) expect(Date.parse(link.since)).toBeGreaterThanOrEqual(before - 1000);

  const metrics = (await get('/metrics')).text;
  expect(metrics).toContain(`aim_s2s_links{node="${node}",direction="outgoing"} 1`);
  expect(metrics).toContain(`aim_s2s_links{node="${node}",direction="incoming"} 1`);
  expect(metrics).toMatch(new RegExp(`aim_s2s_stanzas_total\\{node="${node}",direction="out"\\} [1-9]`));
  expect(metrics).toMatch(new RegExp(`aim_s2s_stanzas_total\\{node="${node}",direction="in"\\} [1-9]`));
  expect(metrics).toContain(`aim_s2s_authentications_total{node="${node}",method="dialback",result="valid"} 1`);
});

test('the links need the admin token', async () => {
  expect((await get('/api/plugins/s2s/links', false)).status).toBe(401);
});
