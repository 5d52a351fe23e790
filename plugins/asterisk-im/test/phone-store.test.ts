import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessCluster, CORE_MIGRATIONS, SqliteDatabase, createStores, runMigrations } from '@asterisk-im/server-core/testing';
import { PhoneStoreError, STORE_MIGRATIONS, SqlPhoneStore, type Settings } from '../src/store';

/** A patch as the admin API receives it: JSON whose shape is checked by the store, not the compiler. */
const fromTheWire = (body: Record<string, unknown>): Partial<Settings> => JSON.parse(JSON.stringify(body));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function openStore(): Promise<SqlPhoneStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-store-'));
  const db = SqliteDatabase.open({ file: path.join(dir, 'store.db') });
  await runMigrations(db, 'core', CORE_MIGRATIONS);
  await runMigrations(db, 'asterisk-im', STORE_MIGRATIONS);
  const stores = createStores(db, { scramIterations: 1 });
  await stores.accounts.create('alice', 'pw');
  const cluster = new InProcessCluster();
  await cluster.start();
  const store = new SqlPhoneStore({ db, users: stores.accounts, domain: 'localhost', configSettings: () => ({}), changes: cluster.createCache<number>('store-changes') });
  const stopFollowing = await store.open();
  cleanups.push(async () => {
    stopFollowing();
    await cluster.stop();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
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
