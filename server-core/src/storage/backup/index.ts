/** Backup and restore of the server's database, whichever kind the config names. See docs/ops/backup.md. */
import type { ServerConfig } from '../../config';
import { backupPostgres, restorePostgres } from './postgres-backup';
import { backupSqlite, restoreSqlite } from './sqlite-backup';

export async function backupDatabase(storage: ServerConfig['storage'], destination: string): Promise<void> {
  if (storage.kind === 'sqlite') return backupSqlite(storage.file, destination);
  return backupPostgres(storage.url, destination);
}

export async function restoreDatabase(storage: ServerConfig['storage'], backup: string, options: { replace?: boolean } = {}): Promise<void> {
  if (storage.kind === 'sqlite') return restoreSqlite(backup, storage.file, options);
  return restorePostgres(backup, storage.url);
}
