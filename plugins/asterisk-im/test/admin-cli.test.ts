import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_TOKEN_FILE, runCliInProcess } from '@asterisk-im/server-core/testing';
import { eventually } from '@asterisk-im/server-core/testing';
import { AMI_USER, startPluginWorld, type PluginWorld } from './admin-world';

let w: PluginWorld;
let env: NodeJS.ProcessEnv;
let url: string;

beforeAll(async () => {
  w = await startPluginWorld();
  url = `http://127.0.0.1:${w.world.server.server.addresses.admin.port}`;
  env = { AIM_ADMIN_TOKEN: fs.readFileSync(path.join(w.world.server.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim() };
});
afterAll(async () => {
  await w?.stop();
});

/** Runs `asterisk-im asterisk …` in process against the running server's admin API. */
function asterisk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCliInProcess(['asterisk', ...args, '--url', url], env);
}

test('servers: list without secrets, test, add with the secret from the environment, delete', async () => {
  const list = await asterisk('server-list');
  expect(list).toMatchObject({ code: 0, stdout: `pbx\t${w.sim.host}:${w.sim.port}\t${AMI_USER.username}\tplain\n` });
  expect(await asterisk('server-test', 'pbx')).toMatchObject({ code: 0, stdout: 'ok: Asterisk Call Manager/8.0.0\n' });

  env.AIM_AMI_SECRET = 'wrong-secret';
  expect(await asterisk('server-add', 'branch', '--host', w.sim.host, '--port', String(w.sim.port), '--username', AMI_USER.username)).toMatchObject({ code: 0 });
  expect(await asterisk('server-test', 'branch')).toEqual({ code: 1, stdout: '', stderr: 'failed: Authentication failed\n' });
  delete env.AIM_AMI_SECRET;
  expect((await asterisk('server-list')).stdout).not.toContain('wrong-secret');
  expect(await asterisk('server-delete', 'branch')).toMatchObject({ code: 0, stdout: 'deleted branch\n' });
});

test('devices and settings; the API\'s validation message names the field', async () => {
  expect(await asterisk('device-add', 'PJSIP/1003', '--user', 'carol@localhost', '--server', 'pbx', '--extension', '1003')).toMatchObject({
    code: 0,
    stdout: 'mapped PJSIP/1003 to carol@localhost (primary)\n',
  });
  expect((await asterisk('device-list', '--user', 'carol@localhost')).stdout).toBe('PJSIP/1003\tcarol@localhost\tpbx\t1003\tprimary\tmonitored\n');
  expect(await asterisk('device-delete', 'PJSIP/1003')).toMatchObject({ code: 0 });
  const refused = await asterisk('device-add', 'PJSIP/1004', '--user', 'carol@localhost', '--server', 'pbx');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('extension');

  expect(await asterisk('settings-set', 'queuePresence', 'true')).toMatchObject({ code: 0, stdout: 'queuePresence\ttrue\n' });
  expect((await asterisk('settings-get')).stdout).toContain('statusText\t"On the phone"\n');
  const bad = await asterisk('settings-set', 'presenceShow', 'busy');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('presenceShow');
});

test('a device with its own mailbox gets its counts; call-list prints a user\'s calls', async () => {
  expect(await asterisk('device-add', 'PJSIP/1003', '--user', 'carol@localhost', '--server', 'pbx', '--extension', '1003', '--mailbox', 'carol@office')).toMatchObject({ code: 0 });
  expect((await w.admin('GET', '/devices/PJSIP/1003')).body).toMatchObject({ device: 'PJSIP/1003', mailbox: 'carol@office' });
  const refused = await asterisk('device-add', 'PJSIP/1004', '--user', 'carol@localhost', '--server', 'pbx', '--extension', '1004', '--mailbox', 'no-context');
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('mailbox: must be mailbox@context');
  w.sim.setMailbox('carol@office', { newMessages: 1, oldMessages: 3 });
  await eventually('carol has her counts', async () => (await w.admin('GET', '/users/carol@localhost/voicemail')).body.new === 1);
  expect((await w.admin('GET', '/users/carol@localhost/voicemail')).body).toEqual({ user: 'carol@localhost', new: 1, old: 3, boxes: { 'carol@office': { new: 1, old: 3 } } });
  expect(await asterisk('device-delete', 'PJSIP/1003')).toMatchObject({ code: 0 });

  const call = await w.sim.calls.dial('PJSIP/1002', '1001');
  await call.answer();
  await call.hangup('caller');
  await eventually('the call logged', async () => (await w.admin('GET', '/users/alice@localhost/calls')).body.calls.length === 1);
  const list = await asterisk('call-list', 'alice@localhost');
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tincoming\t1002\tPhone 1002\tanswered \d+s\tPJSIP\/1001\t[\w.]+\n$/);
  expect((await asterisk('call-list', 'alice@localhost', '--max', '0')).stderr).toContain('max');
});
