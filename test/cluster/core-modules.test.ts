import fs from 'node:fs';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { online, stopAll } from './cluster-steps';

const BLOCKING = 'urn:xmpp:blocking';

/** The admin address a node printed at start (`admin listening on host:port`). */
function adminUrl(node: ClusterNode): string {
  const match = /admin listening on ([\d.]+):(\d+)/.exec(node.output);
  if (!match) throw new Error(`node ${node.id} printed no admin address`);
  return `http://${match[1]}:${match[2]}`;
}

/** The admin token from the file the node named at start. */
function tokenOf(node: ClusterNode): string {
  const match = /admin API token \([^)]*\): (\S+)/.exec(node.output);
  if (!match) throw new Error(`node ${node.id} printed no admin token file`);
  return fs.readFileSync(match[1], 'utf8').trim();
}

async function post(node: ClusterNode, route: string): Promise<{ status: number; body: { nodes?: Array<{ nodeId: string; ok: boolean; state?: string }> } }> {
  const response = await fetch(`${adminUrl(node)}${route}`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(node)}` } });
  return { status: response.status, body: (await response.json()) as { nodes?: Array<{ nodeId: string; ok: boolean; state?: string }> } };
}

const blocklist = (client: TestClient) => client.iq(xml('iq', { type: 'get' }, xml('blocklist', { xmlns: BLOCKING })));

describe('a core module switched at run time', () => {
  const cluster = new TestCluster({
    config: { listeners: { c2s: { host: '127.0.0.1', port: 0 }, c2sDirectTls: false, websocket: false, admin: { host: '127.0.0.1', port: 0 } } },
  });
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('is switched on every node: disabled through one node, the other answers as a server without it', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice');
    const alice = await online(b, 'alice', 'desk');
    clients.push(alice);
    await blocklist(alice);

    const disabled = await post(a, '/api/modules/blocking/disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body.nodes?.map((node) => [node.nodeId, node.ok, node.state]).sort()).toEqual([
      ['a', true, 'stopped'],
      ['b', true, 'stopped'],
    ]);
    await expect(blocklist(alice)).rejects.toThrow(/service-unavailable/);

    const enabled = await post(a, '/api/modules/blocking/enable');
    expect(enabled.body.nodes?.every((node) => node.ok && node.state === 'running')).toBe(true);
    expect((await blocklist(alice)).getChild('blocklist', BLOCKING)).toBeDefined();
  });
});
