/** Durable data: SQLite and PostgreSQL behind one interface, per-owner migrations, the core stores. */
export type { Database, Migration, Queryable, Row, SqlValue } from './types';
export { StorageError } from './stores';
export type {
  Account,
  AccountStore,
  BlocklistStore,
  OfflineMessage,
  OfflinePushResult,
  OfflineQuota,
  OfflineStore,
  RosterItem,
  RosterStore,
  ScramCredential,
  StorageErrorKind,
  Stores,
  Subscription,
  VCardStore,
} from './stores';
export { SqliteDatabase } from './sqlite-database';
export type { SqliteDatabaseOptions } from './sqlite-database';
export { PostgresDatabase } from './postgres-database';
export type { PostgresDatabaseOptions } from './postgres-database';
export { openDatabase } from './open-database';
export type { DatabaseOptions } from './open-database';
export { runMigrations, schemaVersion } from './migrations';
export { CORE_MIGRATIONS } from './core-migrations';
export { createStores, DEFAULT_SCRAM_ITERATIONS } from './create-stores';
export type { StoresOptions } from './create-stores';
export { openStorage } from './open-storage';
export { nextCounterValue } from './user-counters';
