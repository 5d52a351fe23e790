/**
 * PostgreSQL backups with PostgreSQL's own tools: `pg_dump --format=custom` and `pg_restore`,
 * which must be on PATH (Debian/Ubuntu: postgresql-client) and should match the server's major
 * version. The URL is the one in the config (`storage.url`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StorageError } from '../stores';

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new StorageError('unavailable', error.code === 'ENOENT' ? `${program} is not installed (Debian/Ubuntu: apt-get install postgresql-client)` : error.message)),
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new StorageError('unavailable', `${program} failed: ${stderr.trim().split('\n').slice(0, 3).join('; ') || `exit ${code}`}`))));
  });
}

export async function backupPostgres(url: string, destination: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${destination}`, `--dbname=${url}`]);
}

/** Restores into the (empty) database at `url`, in one transaction: all of it or nothing. */
export async function restorePostgres(backup: string, url: string): Promise<void> {
  if (!fs.existsSync(backup)) throw new StorageError('invalid', `there is no backup at ${backup}`);
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${url}`, backup]);
}
