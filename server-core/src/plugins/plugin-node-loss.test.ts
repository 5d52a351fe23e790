import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { TestClusterWorld } from '../../testing/cluster-world';
import { eventually as waitFor } from '../../testing/eventually';
import type { RedisCluster } from '../cluster';
import { ROUTES_CACHE } from '../session';
import { PRESENCE_CACHE } from '../im/presence-cache';
import { CARBONS_CACHE } from '../im/carbons-enabled-resources';
import { lostNodes } from '../../test/plugins/extension-points';

const PLUGIN = path.join(__dirname, '../../test/plugins/extension-points');

/**
 * A node of the cluster that holds one available resource and then goes silent, as a crashed
 * node does: it stops heartbeating and never removes what it wrote.
 */
async function crashingNode(world: TestClusterWorld, nodeId: string, fullJid: string): Promise<RedisCluster> {
  const node = world.node(nodeId);
  await node.start();
  await node.createCache(ROUTES_CACHE).set(fullJid, { node: nodeId, priority: 0, available: true });
  await node.createCache(PRESENCE_CACHE).set(fullJid, `<presence from='${fullJid}'/>`);
  await node.createCache(CARBONS_CACHE).set(fullJid, nodeId);
  return node;
}

describe('ctx.cluster.onNodeLost', () => {
  let world: TestClusterWorld;
  let server: TestServer;

  beforeAll(async () => {
    world = new TestClusterWorld();
    server = await startTestServer({ cluster: world.node('a'), config: { plugins: [{ name: 'extension-points', path: PLUGIN }] } });
    await waitFor('a senior', () => server.server.context.cluster.isSenior(), 5000);
  });
  afterAll(async () => {
    await server?.stop();
    await world?.stopAll();
  });

  test("a plugin's handler runs once per lost node, after the owners' state of its sessions is gone", async () => {
    const core = server.server.context;
    const b = await crashingNode(world, 'b', 'ghost@localhost/b');
    await waitFor('a sees the route of b', () => core.routes.get('ghost@localhost/b') !== undefined, 5000);
    b.freezeCoordinationForTest();
    await waitFor('b handled', () => lostNodes.some((lost) => lost.nodeId === 'b'), 10_000);
    expect(lostNodes).toEqual([{ nodeId: 'b', resources: ['ghost@localhost/b'] }]);
    expect(core.routes.get('ghost@localhost/b')).toBeUndefined();
    expect(core.cluster.createCache(PRESENCE_CACHE).has('ghost@localhost/b')).toBe(false);
    expect(core.cluster.createCache(CARBONS_CACHE).has('ghost@localhost/b')).toBe(false);

    // A second loss is the marker that every sweep since has run: b is not handled again.
    const c = await crashingNode(world, 'c', 'ghost@localhost/c');
    await waitFor('a sees the route of c', () => core.routes.get('ghost@localhost/c') !== undefined, 5000);
    c.freezeCoordinationForTest();
    await waitFor('c handled', () => lostNodes.some((lost) => lost.nodeId === 'c'), 10_000);
    expect(lostNodes).toEqual([
      { nodeId: 'b', resources: ['ghost@localhost/b'] },
      { nodeId: 'c', resources: ['ghost@localhost/c'] },
    ]);
  }, 30_000);

  test('a node that leaves holding no session is handled once too, and a stopped plugin is not called', async () => {
    const d = world.node('d');
    await d.start();
    await waitFor('a sees d', () => server.server.context.cluster.members().includes('d'), 5000);
    await d.stop();
    await waitFor('d handled', () => lostNodes.some((lost) => lost.nodeId === 'd'), 10_000);
    expect(lostNodes.filter((lost) => lost.nodeId === 'd')).toEqual([{ nodeId: 'd', resources: [] }]);

    await server.server.plugins.disable('extension-points');
    const before = lostNodes.length;
    // Added after the plugin's (gone now): when it runs, the plugin's would have run already.
    const markers: string[] = [];
    const removeMarker = server.server.context.nodeLost.add('test-marker', ({ nodeId }) => void markers.push(nodeId));
    const e = await crashingNode(world, 'e', 'ghost@localhost/e');
    await waitFor('a sees the route of e', () => server.server.context.routes.get('ghost@localhost/e') !== undefined, 5000);
    e.freezeCoordinationForTest();
    await waitFor('e handled', () => markers.includes('e'), 10_000);
    removeMarker();
    expect(lostNodes.length).toBe(before);
  }, 30_000);
});
