import { AMI_USER, startPluginWorld, type PluginWorld } from './admin-world';
import { eventually } from '@asterisk-im/server-core/testing';

let w: PluginWorld;

beforeAll(async () => {
  w = await startPluginWorld();
});
afterAll(async () => {
  await w?.stop();
});

test('servers are listed without their secret', async () => {
  const { status, body } = await w.admin('GET', '/servers');
  expect(status).toBe(200);
  expect(body.servers).toEqual([{ name: 'pbx', host: w.sim.host, port: w.sim.port, username: AMI_USER.username, tls: false, hasSecret: true }]);
  expect(JSON.stringify(body)).not.toContain(AMI_USER.secret);
  expect(JSON.stringify((await w.admin('GET', '/servers/pbx')).body)).not.toContain(AMI_USER.secret);
});

test('server bodies are validated and errors name the field; nothing is saved', async () => {
  expect(await w.admin('POST', '/servers', { name: 'pbx2', host: '127.0.0.1', port: 'abc', username: 'u', secret: 's' })).toMatchObject({
    status: 400,
    body: { error: { code: 'invalid-body', field: 'port' } },
  });
  expect(await w.admin('POST', '/servers', { name: 'pbx2', port: 5038, username: 'u', secret: 's' })).toMatchObject({ status: 400, body: { error: { field: 'host' } } });
  expect(await w.admin('POST', '/servers', { name: 'pbx2', host: 'h', username: 'u', secret: 's', colour: 'red' })).toMatchObject({ status: 400 });
  expect(await w.admin('POST', '/servers', { name: 'pbx 2', host: 'h', username: 'u', secret: 's' })).toMatchObject({ status: 400, body: { error: { field: 'name' } } });
  expect(await w.admin('POST', '/servers', { name: 'pbx', host: 'h', username: 'u', secret: 's' })).toMatchObject({ status: 409 });
  expect((await w.admin('GET', '/servers')).body.servers.map((s: { name: string }) => s.name)).toEqual(['pbx']);
});

test('a server is added, updated keeping its secret, and deleted', async () => {
  expect(await w.admin('POST', '/servers', { name: 'branch', host: '127.0.0.1', port: w.sim.port, username: AMI_USER.username, secret: AMI_USER.secret })).toMatchObject({
    status: 201,
    body: { name: 'branch', hasSecret: true },
  });
  expect(await w.admin('PUT', '/servers/branch', { host: '127.0.0.1', username: AMI_USER.username, secret: '***' })).toMatchObject({ status: 200 });
  // The kept secret still logs in.
  expect(await w.admin('POST', '/servers/branch/test')).toMatchObject({ status: 200, body: { ok: true } });
  expect(await w.admin('DELETE', '/servers/branch')).toMatchObject({ status: 204 });
  expect(await w.admin('DELETE', '/servers/branch')).toMatchObject({ status: 404 });
});

test('testing a connection reports success with the version, or the exact AMI error', async () => {
  expect(await w.admin('POST', '/servers/pbx/test')).toEqual({ status: 200, body: { ok: true, version: '8.0.0' } });
  expect(await w.admin('POST', '/servers/pbx/test', { secret: 'not-the-secret' })).toEqual({ status: 200, body: { ok: false, error: 'Authentication failed' } });
  expect(await w.admin('POST', '/servers/nowhere/test')).toMatchObject({ status: 404 });
});

test('the endpoint pick-list comes from PJSIPShowEndpoints, with the user each phone is mapped to', async () => {
  const { status, body } = await w.admin('GET', '/servers/pbx/endpoints');
  expect(status).toBe(200);
  expect(body.endpoints).toEqual([
    { device: 'PJSIP/1001', name: '1001', state: 'Not in use', registered: true, user: 'alice@localhost' },
    { device: 'PJSIP/1002', name: '1002', state: 'Not in use', registered: true, user: 'bob@localhost' },
    { device: 'PJSIP/1003', name: '1003', state: 'Not in use', registered: true, user: null },
    { device: 'PJSIP/1004', name: '1004', state: 'Not in use', registered: true, user: null },
  ]);
  expect(await w.admin('GET', '/servers/nowhere/endpoints')).toMatchObject({ status: 404 });
});

test('devices are validated, added, updated and removed; a refused change saves nothing', async () => {
  expect(await w.admin('POST', '/devices', { device: 'phone-1003', user: 'carol@localhost', server: 'pbx', extension: '1003' })).toMatchObject({
    status: 400,
    body: { error: { field: 'device' } },
  });
  expect(await w.admin('POST', '/devices', { device: 'PJSIP/1003', user: 'carol@localhost', server: 'nowhere', extension: '1003' })).toMatchObject({
    status: 404,
    body: { error: { field: 'server' } },
  });
  expect(await w.admin('POST', '/devices', { device: 'PJSIP/1003', user: 'nobody@localhost', server: 'pbx', extension: '1003' })).toMatchObject({
    status: 404,
    body: { error: { field: 'user' } },
  });
  expect((await w.admin('GET', '/devices')).body.devices.map((d: { device: string }) => d.device).sort()).toEqual(['PJSIP/1001', 'PJSIP/1002']);

  expect(await w.admin('POST', '/devices', { device: 'PJSIP/1003', user: 'carol@localhost', server: 'pbx', extension: '1003' })).toMatchObject({
    status: 201,
    body: { device: 'PJSIP/1003', user: 'carol@localhost', primary: true, monitored: true },
  });
  expect(await w.admin('PUT', '/devices/PJSIP/1003', { extension: '' })).toMatchObject({ status: 400, body: { error: { field: 'extension' } } });
  expect(await w.admin('PUT', '/devices/PJSIP/1003', { callerId: 'Carol <1003>', monitored: false })).toMatchObject({
    status: 200,
    body: { callerId: 'Carol <1003>', monitored: false, extension: '1003' },
  });
  expect(await w.admin('GET', '/devices?user=carol@localhost')).toMatchObject({ body: { devices: [{ device: 'PJSIP/1003' }] } });
  expect(await w.admin('DELETE', `/devices/${encodeURIComponent('PJSIP/1003')}`)).toMatchObject({ status: 204 });
  expect(await w.admin('DELETE', `/devices/${encodeURIComponent('PJSIP/1003')}`)).toMatchObject({ status: 404 });
  // The server is in use by devices: refused.
  expect(await w.admin('DELETE', '/servers/pbx')).toMatchObject({ status: 409 });
});

test('settings are read and changed field by field, with validation naming the field', async () => {
  expect(await w.admin('GET', '/settings')).toMatchObject({ status: 200, body: { context: 'from-internal', presenceShow: 'away', statusText: 'On the phone', queuePresence: false } });
  expect(await w.admin('PUT', '/settings', { presenceShow: 'busy' })).toMatchObject({ status: 400, body: { error: { field: 'presenceShow' } } });
  expect(await w.admin('PUT', '/settings', { statusText: 'In a call', shoeSize: 42 })).toMatchObject({ status: 400 });
  expect((await w.admin('GET', '/settings')).body.statusText).toBe('On the phone');
  expect(await w.admin('PUT', '/settings', { statusText: 'In a call', firstLegTimeoutMs: 15_000 })).toMatchObject({ status: 200, body: { statusText: 'In a call', firstLegTimeoutMs: 15_000, presenceShow: 'away' } });
});

test('the live status shows each link with its holder and each device and user with its phone state', async () => {
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await call.answer();
  await eventually('bob is on the phone', async () => (await w.admin('GET', '/status')).body.users.find((u: { user: string }) => u.user === 'bob@localhost')?.onPhone === true);
  const { body } = await w.admin('GET', '/status');
  expect(body.links).toEqual([expect.objectContaining({ server: 'pbx', state: 'connected', node: body.senior })]);
  expect(body.devices).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ device: 'PJSIP/1001', user: 'alice@localhost', state: 'on-call' }),
      expect.objectContaining({ device: 'PJSIP/1002', user: 'bob@localhost', state: 'on-call' }),
    ]),
  );
  expect(body.users.find((u: { user: string }) => u.user === 'alice@localhost')).toMatchObject({ onPhone: true, calls: [expect.objectContaining({ device: 'PJSIP/1001' })] });
  expect(JSON.stringify(body)).not.toContain(AMI_USER.secret);
  await call.hangup();
});

test('admin routes need the token', async () => {
  const response = await fetch(`http://127.0.0.1:${w.world.server.server.addresses.admin.port}/api/plugins/asterisk-im/servers`);
  expect(response.status).toBe(401);
});
