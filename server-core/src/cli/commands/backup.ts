/**
 * `backup <file>` and `restore <file>`: the configured database (SQLite or PostgreSQL) to one
 * file and back. Everything the server stores is in it: accounts, rosters, offline messages,
 * and every plugin's tables. See docs/ops/backup.md.
 */
import path from 'node:path';
import { backupDatabase, restoreDatabase } from '../../storage/backup';
import type { Command } from '../../command/command';

const FILE = [{ name: 'file' }] as const;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'write a consistent copy of the database to a file (safe while the server runs)',
  args: FILE,
  details: 'SQLite: the online backup API. PostgreSQL: pg_dump --format=custom (postgresql-client on PATH).\nExample: asterisk-im backup /var/backups/asterisk-im-$(date +%F).db',
  async run(input) {
    const config = input.loadConfig();
    const file = path.resolve(input.args.file);
    await backupDatabase(config.storage, file);
    input.io.stdout.write(`backed up the ${config.storage.kind} database to ${file}\n`);
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'put a backup in place of the database (stop the server first)',
  args: FILE,
  options: { replace: { type: 'boolean', description: 'SQLite: overwrite an existing database file' } },
  details: 'SQLite: checks the backup, then replaces the database file (only with --replace when one exists).\nPostgreSQL: pg_restore into the database storage.url names, which must be empty (create it first).',
  async run(input) {
    const config = input.loadConfig();
    const file = path.resolve(input.args.file);
    await restoreDatabase(config.storage, file, { replace: input.options.replace === true });
    input.io.stdout.write(`restored the ${config.storage.kind} database from ${file}; start the server to use it\n`);
  },
};
