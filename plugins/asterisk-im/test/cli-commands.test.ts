/**
 * The `asterisk` commands come with the bundled plugin (its package.json names their entry
 * module), and say so when the plugin is not running.
 */
import { runCliInProcess as cli, startCliServer, type CliServer } from '@asterisk-im/server-core/testing';

let server: CliServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startCliServer();
  env = server.env;
});
afterAll(() => server?.stop());

test('a bundled plugin is enabled by its name alone; its commands say when it is not enabled', async () => {
  const notEnabled = 'error: the asterisk-im plugin is not enabled; enable it with: asterisk-im plugin enable asterisk-im\n';
  expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 1, stdout: '', stderr: notEnabled });
  expect(await cli(['plugin', 'enable', 'asterisk-im'], env)).toEqual({ code: 0, stdout: 'asterisk-im 0.1.0\tenabled\trunning\n', stderr: '' });
  expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(await cli(['plugin', 'disable', 'asterisk-im'], env)).toMatchObject({ code: 0 });
  expect(await cli(['asterisk', 'server-list'], env)).toEqual({ code: 1, stdout: '', stderr: notEnabled.replace('is not enabled', 'is disabled') });
}, 60_000);

test('the asterisk commands are listed in the help', async () => {
  const help = await cli(['--help'], env);
  for (const words of ['asterisk server-list', 'asterisk device-add', 'asterisk settings-set']) expect(help.stdout).toContain(`  ${words} `);
  expect((await cli(['asterisk', 'server-add', '--help'], env)).stdout).toContain('--url <url>');
});
