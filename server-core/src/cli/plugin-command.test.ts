import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { runCliCaptured } from '../../../test/support/cli-runner';

const REPO = path.resolve(__dirname, '../../..');

const cli = runCliCaptured;

describe('asterisk-im plugin', () => {
  let dataDir: string;
  let server: TestServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-plugin-cli-'));
    server = await startTestServer({
      dataDir,
      config: {
        listeners: { admin: { host: '127.0.0.1', port: 0 } },
        plugins: [{ name: 'motd', path: path.join(REPO, 'plugins/motd'), config: { text: 'hi' } }],
      },
    });
    const configFile = path.join(dataDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ dataDir, listeners: { admin: { host: '127.0.0.1', port: server.server.addresses.admin.port } } }));
    env = { AIM_CONFIG: configFile };
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('list, disable, enable and install go through the running server', async () => {
    expect(await cli(['plugin', 'list'], env)).toEqual({ code: 0, stdout: 'motd 0.1.0\tenabled\trunning\n', stderr: '' });
    expect(await cli(['plugin', 'disable', 'motd'], env)).toEqual({ code: 0, stdout: 'motd 0.1.0\tdisabled\tstopped\n', stderr: '' });
    expect(server.server.plugins.get('motd')?.state).toBe('stopped');
    expect(await cli(['plugin', 'enable', 'motd'], env)).toMatchObject({ code: 0, stdout: 'motd 0.1.0\tenabled\trunning\n' });

    const installed = await cli(['plugin', 'install', `./${path.relative(process.cwd(), path.join(REPO, 'plugins/echo-component'))}`, '--plugin-config', '{"prefix":"> "}'], env);
    expect(installed).toEqual({ code: 0, stdout: 'echo-component 0.1.0\tenabled\trunning\n', stderr: '' });
    expect(server.server.context.router.hasComponent(`echo.${server.domain}`)).toBe(true);
  });

  test('errors from the server are reported with the field they concern', async () => {
    expect(await cli(['plugin', 'enable', 'nope'], env)).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('no plugin named nope') });
    const badConfig = await cli(['plugin', 'install', './no/such/folder'], env);
    expect(badConfig).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot load plugin') });
    expect(await cli(['plugin', 'install', 'x', '--plugin-config', '{oops'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--plugin-config is not valid JSON') });
  });

  test('a bundled plugin is enabled by its name alone; its commands say when it is not enabled', async () => {
    const notEnabled = 'error: the asterisk-im plugin is not enabled; enable it with: asterisk-im plugin enable asterisk-im\n';
    expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 1, stdout: '', stderr: notEnabled });
    expect(await cli(['plugin', 'enable', 'asterisk-im'], env)).toEqual({ code: 0, stdout: 'asterisk-im 0.1.0\tenabled\trunning\n', stderr: '' });
    expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['plugin', 'disable', 'asterisk-im'], env)).toMatchObject({ code: 0 });
    expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 1, stdout: '', stderr: notEnabled.replace('is not enabled', 'is disabled') });
  }, 60_000);

  test('a request for the routes of a plugin that does not exist says so', async () => {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${server.server.addresses.admin.port}/api/plugins/no-such-plugin/servers`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'no plugin named no-such-plugin', field: 'name' } });
  });

  test('a bundled plugin is installed by its name alone', async () => {
    const installed = await cli(['plugin', 'install', 'echo-component', '--plugin-config', '{"prefix":"< "}', '--disabled'], env);
    // Installed by path in the first test: the name resolves to the same plugin, which is there already.
    expect(installed).toEqual({ code: 1, stdout: '', stderr: 'error: plugin echo-component is already installed\n' });
    const unknown = await cli(['plugin', 'install', 'no-such-plugin'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot load plugin from no-such-plugin: .*\(bundled plugins: asterisk-im, echo-component, motd\)/) });
  });

  test('a server that is not running is named as the likely cause', async () => {
    const result = await cli(['plugin', 'list', '--url', 'http://127.0.0.1:1'], env);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('is the server running?') });
  });
});
