import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../../test/support/server-harness';
import { spawnCli as cli, tempConfigFile as tempConfig } from '../../../../test/support/cli-in-process';
import { connectRawComponent, handshakeDigest, openComponentStream } from '../../../../test/support/raw-component';
import { captureLogs } from '../../../../test/support/log-capture';
import type { RawStream } from '../../../../test/attacks/attack-kit';
import { freePort } from '../../../testing/redis';
import { eventually } from '../../../testing/eventually';
import { ADMIN_TOKEN_FILE } from '../../admin/admin-token';

const SECRET = 'admin-test-gateway-secret';

describe('external components in the admin API and the logs', () => {
  const logs = captureLogs();
  let dataDir: string;
  let server: TestServer;
  let port: number;
  let component: RawStream | undefined;
  const get = async (url: string) => {
    const token = fs.readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${server.server.addresses.admin.port}${url}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-components-'));
    port = await freePort();
    server = await startTestServer({
      dataDir,
      logger: logs.logger,
      config: {
        listeners: { admin: { host: '127.0.0.1', port: 0 } },
        modules: { components: { config: { listener: { host: '127.0.0.1', port }, components: [{ domain: 'gateway.localhost', secret: SECRET, name: 'Gateway' }, { domain: 'idle.localhost', secret: 'idle-secret-123' }] } } },
      },
    });
  });
  afterAll(async () => {
    await component?.dispose();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the configured components with where and since when each is connected, and never a secret', async () => {
    const before = JSON.parse((await get('/api/plugins/components/connected')).text);
    expect(before.components).toEqual([
      { domain: 'gateway.localhost', name: 'Gateway', connected: false, node: null, since: null },
      { domain: 'idle.localhost', connected: false, node: null, since: null },
    ]);
    const connectedAt = Date.now();
    component = await connectRawComponent(port, 'gateway.localhost', SECRET);
    const answer = await get('/api/plugins/components/connected');
    const gateway = JSON.parse(answer.text).components[0];
    expect(gateway).toMatchObject({ domain: 'gateway.localhost', connected: true, node: server.server.context.nodeId });
    expect(Date.parse(gateway.since)).toBeGreaterThanOrEqual(connectedAt - 1000);

    const modules = await get('/api/modules');
    expect(modules.text).toContain('gateway.localhost');
    for (const text of [answer.text, modules.text]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('idle-secret-123');
    }
    await component.dispose();
    component = undefined;
    await eventually('released', async () => JSON.parse((await get('/api/plugins/components/connected')).text).components[0].connected === false);
  });

  it('logs a refusal a peer repeats once, with its condition and never the secret', async () => {
    for (let i = 0; i < 5; i++) {
      const { raw, id } = await openComponentStream(port, 'gateway.localhost');
      await raw.write(`<handshake>${handshakeDigest(id, 'wrong-secret')}</handshake>`);
      expect(await raw.streamError()).toBe('not-authorized');
      await raw.dispose();
    }
    const refusals = logs.lines.filter((line) => line.msg === 'component stream error');
    expect(refusals).toEqual([expect.objectContaining({ level: 40, condition: 'not-authorized', component: 'gateway.localhost', address: '127.0.0.1' })]);
    expect(logs.lines.some((line) => line.msg === 'component connected' && line.component === 'gateway.localhost')).toBe(true);
    expect(JSON.stringify(logs.lines)).not.toContain(SECRET);
  });
});

describe('config check for external components', () => {
  it('names each mistake without quoting a secret', async () => {
    const configFile = tempConfig({
      modules: {
        components: {
          config: {
            listener: { port: 5347 },
            components: [
              { domain: 'gateway.example.com', secret: 'short' },
              { domain: 'not a domain', secret: 'long-enough-secret' },
              { domain: 'GATEWAY.example.com', secret: 'another-long-secret' },
              { domain: 'bridge.example.com' },
            ],
          },
        },
      },
    });
    const result = await cli(['config', 'check', '--config', configFile]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config error at modules\.components\.config\.components\[0\]\.secret: must be at least 8 characters/),
        expect.stringMatching(/^config error at modules\.components\.config\.components\[1\]\.domain: expected a hostname/),
        expect.stringMatching(/^config error at modules\.components\.config\.components\[3\]\.secret: is required/),
      ]),
    );
    expect(result.stderr).not.toContain('short');
    expect(result.stderr).not.toContain('long-enough-secret');

    const duplicate = tempConfig({ modules: { components: { config: { components: [{ domain: 'gw.example.com', secret: 'secret-one-1' }, { domain: 'GW.example.com', secret: 'secret-two-2' }] } } } });
    const twice = await cli(['config', 'check', '--config', duplicate]);
    expect(twice.stderr).toMatch(/modules\.components\.config\.components\[1\]\.domain: component gw\.example\.com is listed twice/);

    const own = tempConfig({ domain: 'example.com', modules: { components: { config: { components: [{ domain: 'EXAMPLE.com', secret: 'secret-own-1' }] } } } });
    expect((await cli(['config', 'check', '--config', own])).stderr).toBe(
      "config error at modules.components.config.components[0].domain: is the server's own domain; a component needs a domain of its own, such as gateway.example.com\n",
    );

    const empty = tempConfig({ modules: { components: { config: { listener: {} } } } });
    expect((await cli(['config', 'check', '--config', empty])).stderr).toMatch(/modules\.components\.config\.components: is empty, so no component could connect/);

    const fine = tempConfig({ modules: { components: { config: { listener: {}, components: [{ domain: 'gw.example.com', secret: 'a-fine-secret' }] } } } });
    const shown = await cli(['config', 'check', '--show', '--config', fine]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('"secret": "***"');
    expect(shown.stdout).not.toContain('a-fine-secret');
  }, 90_000);
});
