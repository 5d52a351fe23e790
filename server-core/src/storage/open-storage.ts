import { CORE_MIGRATIONS } from './core-migrations';
import { createStores } from './create-stores';
import type { StoresOptions } from './create-stores';
import { runMigrations } from './migrations';
import { openDatabase } from './open-database';
import type { DatabaseOptions } from './open-database';
import type { Stores } from './stores';
import type { Database } from './types';

/** Opens the database, brings the core schema up to date and returns the stores over it. */
export async function openStorage(options: DatabaseOptions, extra: StoresOptions = {}): Promise<{ db: Database; stores: Stores }> {
  const db = await openDatabase(options);
  try {
    await runMigrations(db, 'core', CORE_MIGRATIONS);
    return { db, stores: createStores(db, extra) };
  } catch (err) {
    await db.close();
    throw err;
  }
}
