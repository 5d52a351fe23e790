/**
 * The product as shipped: the server with the plugins of `plugins/`, which are found by name.
 * The core's own tests load only their test plugins; this is where the bundled set is checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCliInProcess, spawnCli, startCliServer, tempConfigFile, type CliServer } from '@asterisk-im/server-core/testing';

const PLUGINS = path.resolve(__dirname, '../../plugins');
const SHIPPED = fs
  .readdirSync(PLUGINS)
  .filter((name) => fs.existsSync(path.join(PLUGINS, name, 'package.json')))
  .sort();

describe('the bundled plugins', () => {
  let cliServer: CliServer;

  beforeAll(async () => {
    cliServer = await startCliServer({ plugins: [{ name: 'echo-component', path: path.join(PLUGINS, 'echo-component'), config: { prefix: '> ' } }] });
  });
  afterAll(() => cliServer?.stop());

  test('are the four plugins of plugins/', () => {
    expect(SHIPPED).toEqual(['asterisk-im', 'echo-component', 'last-activity', 'motd']);
  });

  test('config check finds one by its name alone and checks its config', async () => {
    expect(await spawnCli(['config', 'check', '--config', tempConfigFile({ plugins: [{ name: 'motd', config: { text: 'hi' } }] })])).toEqual({
      code: 0,
      stdout: 'config ok: domain localhost, storage sqlite, cluster none\n',
      stderr: '',
    });
    expect(await spawnCli(['config', 'check', '--config', tempConfigFile({ plugins: [{ name: 'motd', config: { text: '' } }] })])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'config error at plugins[0].config.text: must not be empty, got "" (plugin motd)\n',
    });
  });

  test('plugin install takes a bundled name, and an unknown name lists the bundled ones', async () => {
    const { env } = cliServer;
    // Installed by path at start: the name resolves to the same folder, which is there already.
    expect(await runCliInProcess(['plugin', 'install', 'echo-component', '--disabled'], env)).toEqual({ code: 1, stdout: '', stderr: 'error: plugin echo-component is already installed\n' });
    expect(await runCliInProcess(['plugin', 'install', 'motd', '--plugin-config', '{"text":"Welcome"}'], env)).toEqual({ code: 0, stdout: 'motd 0.1.0\tenabled\trunning\n', stderr: '' });
    const unknown = await runCliInProcess(['plugin', 'install', 'no-such-plugin'], env);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining(`(bundled plugins: ${SHIPPED.join(', ')})`) });
  });
});
