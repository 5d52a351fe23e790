/**
 * The `asterisk` commands come with the bundled plugin (its package.json names their entry
 * module), and say so when the plugin is not running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCliInProcess as cli, startNode as startTestServer, type TestNode as TestServer } from '@asterisk-im/server-core/testing';

let dataDir: string;
let server: TestServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-asterisk-cli-'));
  server = await startTestServer({ dataDir, config: { listeners: { admin: { host: '127.0.0.1', port: 0 } } } });
  const configFile = path.join(dataDir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ dataDir, listeners: { admin: { host: '127.0.0.1', port: server.server.addresses.admin.port } } }));
  env = { AIM_CONFIG: configFile };
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

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
