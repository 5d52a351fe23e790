/**
 * A phone store on a fresh SQLite file with alice's account, for tests of the plugin's parts.
 * Test support only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessCluster, CORE_MIGRATIONS, SqliteDatabase, createStores, runMigrations } from '@asterisk-im/server-core/testing';
import { STORE_MIGRATIONS, SqlPhoneStore } from '../src/store';

/** A migrated SQLite file with alice's account; closed and removed by the function pushed on `cleanups`. */
export async function openSqliteDatabase(cleanups: Array<() => unknown>): Promise<{ db: SqliteDatabase; accounts: ReturnType<typeof createStores>['accounts'] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-store-'));
  const db = SqliteDatabase.open({ file: path.join(dir, 'store.db') });
  cleanups.push(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await runMigrations(db, 'core', CORE_MIGRATIONS);
  await runMigrations(db, 'asterisk-im', STORE_MIGRATIONS);
  const stores = createStores(db, { scramIterations: 1 });
  await stores.accounts.create('alice', 'pw');
  return { db, accounts: stores.accounts };
}

/** Opens the store; what it started is undone by the functions pushed on `cleanups` (run them newest first). */
export async function openSqlitePhoneStore(cleanups: Array<() => unknown>): Promise<SqlPhoneStore> {
  const { db, accounts } = await openSqliteDatabase(cleanups);
  const cluster = new InProcessCluster();
  await cluster.start();
  const store = new SqlPhoneStore({ db, users: accounts, domain: 'localhost', configSettings: () => ({}), changes: cluster.createCache<number>('store-changes') });
  const stopFollowing = await store.open();
  cleanups.push(async () => {
    stopFollowing();
    await cluster.stop();
  });
  return store;
}
