import fs from 'node:fs';
import path from 'node:path';
import { runCliInProcess as cli, startCliServer, type CliServer } from '../../../test/support/cli-in-process';
import type { TestServer } from '../../../test/support/server-harness';

const EVERYTHING = path.resolve(__dirname, '../../test/plugins/everything');
const STATEFUL = path.resolve(__dirname, '../../test/plugins/stateful');
const EXTENSION_POINTS = path.resolve(__dirname, '../../test/plugins/extension-points');

describe('asterisk-im plugin', () => {
  let dataDir: string;
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  let cliServer: CliServer;

  beforeAll(async () => {
    cliServer = await startCliServer({
      plugins: [{ name: 'everything', path: EVERYTHING, config: { label: 'hi' } }],
    });
    ({ server, env, dataDir } = cliServer);
  });
  afterAll(() => cliServer?.stop());

  test('list, disable, enable and install go through the running server', async () => {
    expect(await cli(['plugin', 'list'], env)).toEqual({ code: 0, stdout: 'everything 1.0.0\tenabled\trunning\n', stderr: '' });
    expect(await cli(['plugin', 'disable', 'everything'], env)).toEqual({ code: 0, stdout: 'everything 1.0.0\tdisabled\tstopped\n', stderr: '' });
    expect(server.server.plugins.get('everything')?.state).toBe('stopped');
    expect(server.server.context.router.hasComponent(`everything.${server.domain}`)).toBe(false);
    expect(await cli(['plugin', 'enable', 'everything'], env)).toMatchObject({ code: 0, stdout: 'everything 1.0.0\tenabled\trunning\n' });
    expect(server.server.context.router.hasComponent(`everything.${server.domain}`)).toBe(true);

    const installed = await cli(['plugin', 'install', `./${path.relative(process.cwd(), STATEFUL)}`, '--plugin-config', '{"label":"installed"}'], env);
    expect(installed).toEqual({ code: 0, stdout: 'stateful 1.0.0\tenabled\trunning\n', stderr: '' });
    expect(server.server.plugins.get('stateful')).toMatchObject({ state: 'running', config: { label: 'installed' } });
  });

  test('errors from the server are reported with the field they concern', async () => {
    expect(await cli(['plugin', 'enable', 'nope'], env)).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('no plugin named nope') });
    const badConfig = await cli(['plugin', 'install', './no/such/folder'], env);
    expect(badConfig).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot load plugin') });
    expect(await cli(['plugin', 'install', 'x', '--plugin-config', '{oops'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--plugin-config is not valid JSON') });
  });

  test("a plugin's commands come from the config file's plugin list, and say when it is not running", async () => {
    const withPlugin = path.join(dataDir, 'with-plugin.json');
    fs.writeFileSync(withPlugin, JSON.stringify({ ...JSON.parse(fs.readFileSync(env.AIM_CONFIG!, 'utf8')), plugins: [{ name: 'extension-points', path: EXTENSION_POINTS }] }));
    const pluginEnv = { AIM_CONFIG: withPlugin };
    const notInstalled = 'error: no plugin named extension-points\n';
    expect(await cli(['extension-points', 'hits'], pluginEnv)).toEqual({ code: 1, stdout: '', stderr: notInstalled });
    expect(await cli(['plugin', 'install', EXTENSION_POINTS, '--disabled'], pluginEnv)).toMatchObject({ code: 0 });
    const notEnabled = 'error: the extension-points plugin is disabled; enable it with: asterisk-im plugin enable extension-points\n';
    expect(await cli(['extension-points', 'hits'], pluginEnv)).toEqual({ code: 1, stdout: '', stderr: notEnabled });
    expect(await cli(['plugin', 'enable', 'extension-points'], pluginEnv)).toMatchObject({ code: 0 });
    expect(await cli(['extension-points', 'hits', '--twice'], pluginEnv)).toEqual({ code: 0, stdout: '3\n3\n', stderr: '' });
    expect(await cli(['extension-points', 'fail'], pluginEnv)).toEqual({ code: 1, stdout: '', stderr: 'error: asked to fail\n' });
    const help = await cli(['--help'], pluginEnv);
    expect(help.stdout).toContain('  extension-points hits ');
    expect((await cli(['extension-points', 'hits', '--help'], pluginEnv)).stdout).toContain('--url <url>');
    // Without the config entry the command is unknown: nothing but the bundled and configured plugins adds commands.
    expect(await cli(['extension-points', 'hits'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'extension-points'") });
    await cli(['plugin', 'disable', 'extension-points'], pluginEnv);
  }, 60_000);

  test('a request for the routes of a plugin that does not exist says so', async () => {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${server.server.addresses.admin.port}/api/plugins/no-such-plugin/servers`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'no plugin named no-such-plugin', field: 'name' } });
  });

  test('a server that is not running is named as the likely cause', async () => {
    const result = await cli(['plugin', 'list', '--url', 'http://127.0.0.1:1'], env);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('is the server running?') });
  });
});
