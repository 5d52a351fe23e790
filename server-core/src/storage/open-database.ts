import { PostgresDatabase } from './postgres-database';
import { SqliteDatabase } from './sqlite-database';
import { StorageError } from './stores';
import type { Database } from './types';

/** Where durable data lives: an embedded SQLite file, or a PostgreSQL server shared by a cluster. */
export type DatabaseOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; poolSize?: number; schema?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  switch (options?.kind) {
    case 'sqlite':
      return SqliteDatabase.open({ file: options.file });
    case 'postgres':
      return PostgresDatabase.open({ url: options.url, poolSize: options.poolSize, schema: options.schema });
    default:
      throw new StorageError('invalid', `database kind must be 'sqlite' or 'postgres' (got ${JSON.stringify((options as { kind?: unknown })?.kind)})`);
  }
}
