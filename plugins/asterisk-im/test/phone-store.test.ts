import { PhoneStoreError, type Settings, type SqlPhoneStore } from '../src/store';
import { openSqlitePhoneStore } from './sqlite-phone-store';

/** A patch as the admin API receives it: JSON whose shape is checked by the store, not the compiler. */
const fromTheWire = (body: Record<string, unknown>): Partial<Settings> => JSON.parse(JSON.stringify(body));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function openStore(): Promise<SqlPhoneStore> {
  const store = await openSqlitePhoneStore(cleanups);
  await store.servers.add({ name: 'pbx', host: '127.0.0.1', username: 'im', secret: 'pbx-secret' });
  return store;
}

async function refusal(promise: Promise<unknown>): Promise<PhoneStoreError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(PhoneStoreError);
  return error as PhoneStoreError;
}

test('devices: unknown user, duplicate device, second primary and bad fields are refused naming the field', async () => {
  const store = await openStore();
  const first = await store.devices.add({ device: 'pjsip/1001', user: 'alice@localhost', server: 'pbx', extension: '1001' });
  expect(first).toMatchObject({ device: 'PJSIP/1001', primary: true, monitored: true });

  expect(await refusal(store.devices.add({ device: 'PJSIP/1009', user: 'nobody@localhost', server: 'pbx', extension: '1009' }))).toMatchObject({ kind: 'not-found', field: 'user' });
  expect(await refusal(store.devices.add({ device: 'PJSIP/1001', user: 'alice@localhost', server: 'pbx', extension: '1001' }))).toMatchObject({ kind: 'conflict', field: 'device' });
  expect(await refusal(store.devices.add({ device: 'PJSIP/1002', user: 'alice@localhost', server: 'pbx', extension: '1002', primary: true }))).toMatchObject({ kind: 'conflict', field: 'primary' });
  expect(await refusal(store.devices.add({ device: 'PJSIP/1002', user: 'alice@localhost', server: 'nowhere', extension: '1002' }))).toMatchObject({ kind: 'not-found', field: 'server' });
  expect(await refusal(store.devices.add({ device: 'nonsense', user: 'alice@localhost', server: 'pbx', extension: '1002' }))).toMatchObject({ kind: 'invalid', field: 'device' });

  const second = await store.devices.add({ device: 'PJSIP/1002', user: 'alice@localhost', server: 'pbx', extension: '1002' });
  expect(second.primary).toBe(false);
  await store.devices.setPrimary('PJSIP/1002');
  expect(store.devices.primaryOf('alice@localhost')?.device).toBe('PJSIP/1002');
  await store.devices.remove('PJSIP/1002');
  expect(store.devices.primaryOf('alice@localhost')?.device).toBe('PJSIP/1001');
});

test('servers never show their secret; settings are validated and merged over the defaults', async () => {
  const store = await openStore();
  expect(store.servers.list()).toEqual([{ name: 'pbx', host: '127.0.0.1', port: 5038, username: 'im', tls: false, hasSecret: true }]);
  expect(JSON.stringify(store.servers.list())).not.toContain('pbx-secret');
  await store.servers.update('pbx', { port: 5039 });
  expect(store.credentials('pbx')?.secret).toBe('pbx-secret');

  expect(await refusal(store.settings.update(fromTheWire({ presenceShow: 'chat' })))).toMatchObject({ kind: 'invalid', field: 'settings.presenceShow' });
  const settings = await store.settings.update({ presenceShow: 'dnd', statusText: 'Calling' });
  expect(settings).toMatchObject({ presenceShow: 'dnd', statusText: 'Calling', context: 'from-internal', ringingIsBusy: false });
});
