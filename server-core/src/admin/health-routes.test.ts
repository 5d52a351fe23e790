import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';

const FAILING = path.resolve(__dirname, '../../test/plugins/failing');

async function probe(base: string, route: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${base}${route}`);
  return { status: response.status, body: await response.json() };
}

describe('health and readiness probes on the admin listener', () => {
  let dataDir: string;
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-health-'));
    server = await startTestServer({ dataDir, config: { listeners: { admin: { host: '127.0.0.1', port: 0 } } } });
    base = `http://127.0.0.1:${server.server.addresses.admin.port}`;
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('/healthz and /readyz answer without a token while the node can serve', async () => {
    expect(await probe(base, '/healthz')).toEqual({ status: 200, body: { status: 'ok', nodeId: server.server.context.nodeId } });
    expect(await probe(base, '/readyz')).toEqual({
      status: 200,
      body: { status: 'ready', nodeId: server.server.context.nodeId, checks: { database: { ok: true }, cluster: { ok: true }, plugins: { ok: true } } },
    });
  });

  test('/readyz answers 503 naming the check while an enabled plugin has failed; /healthz stays 200', async () => {
    await server.server.plugins.install(FAILING);
    const notReady = await probe(base, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.error).toMatchObject({ code: 'not-ready', message: 'plugins: plugin failing failed: cannot reach its backend', checks: { database: { ok: true }, plugins: { ok: false } } });
    expect((await probe(base, '/healthz')).status).toBe(200);
    await server.server.plugins.disable('failing');
    expect((await probe(base, '/readyz')).status).toBe(200);
  });

  test('/readyz answers 503 when the database does not answer', async () => {
    await server.server.db.close();
    const notReady = await probe(base, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.error.message).toMatch(/^database: /);
  });
});
