/**
 * SQLite backups through SQLite's online backup API: consistent even while the server writes
 * (WAL mode), unlike copying the file, which can catch a half-applied transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StorageError } from '../stores';

export async function backupSqlite(file: string, destination: string): Promise<void> {
  if (!fs.existsSync(file)) throw new StorageError('unavailable', `there is no database at ${file} to back up`);
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(destination);
  } finally {
    source.close();
  }
}

/** Why `file` is not a server database backup, or null. */
function backupProblem(file: string): string | null {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return `it fails SQLite's integrity check (${String(integrity)})`;
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'").get()) return 'it holds no accounts table (not a server database)';
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    db?.close();
  }
}

/**
 * Puts a backup in place of the database file. The server must be stopped: a running server
 * keeps the old file open. An existing database is only replaced with `replace`.
 */
export function restoreSqlite(backup: string, file: string, options: { replace?: boolean } = {}): void {
  const problem = backupProblem(backup);
  if (problem) throw new StorageError('invalid', `${backup} cannot be restored: ${problem}`);
  if (fs.existsSync(file) && !options.replace) throw new StorageError('invalid', `${file} exists; stop the server and pass --replace to overwrite it`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const incoming = `${file}.restoring`;
  fs.copyFileSync(backup, incoming);
  // The old file's write-ahead log would be replayed onto the restored copy.
  for (const leftover of [`${file}-wal`, `${file}-shm`]) fs.rmSync(leftover, { force: true });
  fs.renameSync(incoming, file);
}
