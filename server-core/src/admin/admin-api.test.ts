import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { ADMIN_TOKEN_FILE } from './admin-token';

const EVERYTHING = path.resolve(__dirname, '../../test/plugins/everything');
const STATEFUL = path.resolve(__dirname, '../../test/plugins/stateful');

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('admin HTTP API', () => {
  let dataDir: string;
  let server: TestServer;
  let base: string;
  let token: string;

  const start = async () => {
    server = await startTestServer({
      dataDir,
      config: {
        listeners: { admin: { host: '127.0.0.1', port: 0 } },
        plugins: [
          { name: 'everything', path: EVERYTHING, config: { label: 'one', password: 'hunter2' } },
        ],
      },
    });
    base = `http://127.0.0.1:${server.server.addresses.admin.port}`;
    token = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  };

  const call = async (method: string, url: string, options: { body?: unknown; raw?: string; auth?: string | null } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const auth = options.auth === undefined ? `Bearer ${token}` : options.auth;
    if (auth) headers.authorization = auth;
    const response = await fetch(`${base}${url}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-admin-'));
    await start();
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the token is created at first start, readable by the owner only', () => {
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dataDir, ADMIN_TOKEN_FILE)).mode & 0o077).toBe(0);
  });

  test('health answers without a token; everything else needs the right one', async () => {
    expect(await call('GET', '/api/health', { auth: null })).toMatchObject({ status: 200, body: { status: 'ok', domain: server.domain } });
    expect(await call('GET', '/api/plugins', { auth: null })).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await call('GET', '/api/plugins', { auth: 'Bearer wrong-token' })).toMatchObject({ status: 401 });
    expect(await call('GET', '/api/nowhere', { auth: null })).toMatchObject({ status: 401 });
    expect(await call('GET', '/api/nowhere')).toMatchObject({ status: 404 });
  });

  test('the plugin list shows state and config with secrets masked', async () => {
    const { status, body } = await call('GET', '/api/plugins');
    expect(status).toBe(200);
    const everything = body.plugins.find((p: { name: string }) => p.name === 'everything');
    expect(everything).toMatchObject({ state: 'running', enabled: true, version: '1.0.0', config: { label: 'one', password: '***' } });
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  test('bodies are validated and errors name the field', async () => {
    expect(await call('PUT', '/api/plugins/everything/config', { body: { config: { label: '' } } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-config', field: 'config.label' } },
    });
    expect(await call('PUT', '/api/plugins/everything/config', { body: { label: 'hi' } })).toMatchObject({ status: 400, body: { error: { code: 'invalid-body', field: 'config' } } });
    expect(await call('PUT', '/api/plugins/everything/config', { body: { config: 'hi' } })).toMatchObject({ status: 400, body: { error: { field: 'config' } } });
    expect(await call('PUT', '/api/plugins/everything/config', { raw: '{"config": ' })).toMatchObject({ status: 400, body: { error: { code: 'invalid-json' } } });
    expect(await call('POST', '/api/plugins/install', { body: {} })).toMatchObject({ status: 400, body: { error: { field: 'source' } } });
    expect(await call('POST', '/api/plugins/install', { body: { source: './no/such/plugin' } })).toMatchObject({ status: 400, body: { error: { code: 'load-failed', field: 'source' } } });
    expect(await call('POST', '/api/plugins/install', { body: { source: EVERYTHING } })).toMatchObject({ status: 409, body: { error: { code: 'already-installed' } } });
    expect(await call('POST', '/api/plugins/nope/enable')).toMatchObject({ status: 404, body: { error: { field: 'name' } } });
    expect(await call('DELETE', '/api/plugins/everything/config')).toMatchObject({ status: 405 });
  });

  test('plugin routes are mounted under /api/plugins/<name>/ and vanish when it is disabled', async () => {
    expect(await call('GET', '/api/plugins/everything/label')).toMatchObject({ status: 200, body: { label: 'one' } });
    expect(await call('PUT', '/api/plugins/everything/config', { body: { config: { label: 'new label', password: '***' } } })).toMatchObject({ status: 200, body: { plugin: { state: 'running' } } });
    expect(await call('GET', '/api/plugins/everything/label')).toMatchObject({ status: 200, body: { label: 'new label' } });
    expect(await call('POST', '/api/plugins/everything/disable')).toMatchObject({ status: 200, body: { plugin: { enabled: false, state: 'stopped' } } });
    expect(await call('GET', '/api/plugins/everything/label')).toMatchObject({ status: 404 });
    expect(await call('POST', '/api/plugins/everything/enable')).toMatchObject({ status: 200, body: { plugin: { state: 'running' } } });
  });

  test('a masked secret sent back unchanged keeps its value', async () => {
    const answer = await call('PUT', '/api/plugins/everything/config', { body: { config: { label: 'two', password: '***' } } });
    expect(answer).toMatchObject({ status: 200, body: { plugin: { config: { label: 'two', password: '***' } } } });
    const row = await server.server.db.get<{ config: string }>('SELECT config FROM plugins WHERE name = ?', ['everything']);
    expect(JSON.parse(row!.config)).toEqual({ label: 'two', password: 'hunter2' });
  });

  test('install registers a plugin, and run-time choices survive a restart', async () => {
    const installed = await call('POST', '/api/plugins/install', { body: { source: STATEFUL, config: { label: 'installed' } } });
    expect(installed).toMatchObject({ status: 200, body: { plugin: { name: 'stateful', state: 'running', config: { label: 'installed' } } } });
    expect(server.server.plugins.get('stateful')).toMatchObject({ state: 'running' });
    await call('POST', '/api/plugins/everything/disable');

    await server.stop();
    await start();
    const { body } = await call('GET', '/api/plugins');
    const byName = Object.fromEntries(body.plugins.map((p: { name: string }) => [p.name, p]));
    expect(byName.stateful).toMatchObject({ state: 'running', config: { label: 'installed' } });
    expect(byName.everything).toMatchObject({ enabled: false, state: 'stopped', config: { label: 'two', password: '***' } });
  });
});
