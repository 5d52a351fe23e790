import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { Scope } from '../lifecycle/scope';
import { scopedMetrics } from './plugin-metrics';
import { silentLogger } from '../log';

const PLUGIN = path.join(__dirname, '../../test/plugins/extension-points');

describe('ctx.metrics', () => {
  let server: TestServer;
  let scrape: () => Promise<string>;

  beforeAll(async () => {
    server = await startTestServer({ config: { listeners: { admin: { host: '127.0.0.1', port: 0 } }, plugins: [{ name: 'extension-points', path: PLUGIN, enabled: false }] } });
    const token = fs.readFileSync(path.join(server.dataDir, 'admin-token'), 'utf8').trim();
    const url = `http://127.0.0.1:${server.server.addresses.admin.port}/metrics`;
    scrape = async () => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).text();
  });
  afterAll(() => server?.stop());

  test("a plugin's metric is on /metrics while it runs and gone after it stops", async () => {
    expect(await scrape()).not.toContain('aim_extension_points_hits_total');
    await server.server.plugins.enable('extension-points');
    expect(await scrape()).toContain('aim_extension_points_hits_total 3');
    await server.server.plugins.disable('extension-points');
    expect(await scrape()).not.toContain('aim_extension_points_hits_total');
    await server.server.plugins.enable('extension-points');
    expect(await scrape()).toContain('aim_extension_points_hits_total 3');
  });

  test("a plugin cannot take the server's metric names or another plugin's", async () => {
    const mine = new Scope('mine', silentLogger());
    const theirs = new Scope('theirs', silentLogger());
    expect(() => scopedMetrics('mine', mine).gauge({ name: 'aim_sessions_local', help: 'x' })).toThrow('metric aim_sessions_local belongs to the server');
    expect(() => scopedMetrics('mine', mine).counter({ name: 'aim_process_cpu_seconds_total', help: 'x' })).toThrow('belongs to the server');
    scopedMetrics('mine', mine).counter({ name: 'aim_mine_total', help: 'x' });
    expect(() => scopedMetrics('theirs', theirs).counter({ name: 'aim_mine_total', help: 'x' })).toThrow('metric aim_mine_total is registered by plugin mine');
    await mine.dispose();
    await theirs.dispose();
  });

  test('two copies of a plugin (two nodes in one process) share a metric until the last one stops', async () => {
    const first = new Scope('shared', silentLogger());
    const second = new Scope('shared', silentLogger());
    const a = scopedMetrics('shared', first).counter({ name: 'aim_shared_total', help: 'x' });
    const b = scopedMetrics('shared', second).counter({ name: 'aim_shared_total', help: 'x' });
    expect(b).toBe(a);
    await first.dispose();
    expect(await scrape()).toContain('aim_shared_total');
    await second.dispose();
    expect(await scrape()).not.toContain('aim_shared_total');
  });
});
