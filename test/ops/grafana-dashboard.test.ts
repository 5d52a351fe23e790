/**
 * docs/ops/grafana-dashboard.json only charts what a node exports: every metric its queries
 * name is in a running node's /metrics (with the asterisk-im plugin on).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server-harness';

const DASHBOARD = path.resolve(__dirname, '../../docs/ops/grafana-dashboard.json');
/** Suffixes Prometheus adds to a histogram's series. */
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

interface Panel {
  title: string;
  targets: Array<{ expr: string }>;
}

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\baim_[a-z0-9_]+/g)].map((match) => match[0]);
}

describe('the Grafana dashboard', () => {
  let server: TestServer;
  let dataDir: string;
  let exported: Set<string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-dashboard-'));
    server = await startTestServer({ dataDir, config: { listeners: { admin: { host: '127.0.0.1', port: 0 } }, plugins: [{ name: 'asterisk-im' }] } });
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const text = await (await fetch(`http://127.0.0.1:${server.server.addresses.admin.port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('charts only metrics a node exports, in every panel', () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of dashboard.panels) {
      const names = panel.targets.flatMap((target) => metricNames(target.expr));
      expect({ panel: panel.title, names: names.length > 0 }).toEqual({ panel: panel.title, names: true });
      const missing = names.filter((name) => !exported.has(name) && !exported.has(name.replace(HISTOGRAM_SERIES, '')));
      expect({ panel: panel.title, missing }).toEqual({ panel: panel.title, missing: [] });
    }
  });
});
