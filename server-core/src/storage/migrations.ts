import { StorageError } from './stores';
import type { Database, Migration, Queryable } from './types';

/**
 * Schema versions are tracked per owner: 'core' for the server's own tables, a plugin's
 * name for its tables. Each migration runs in its own transaction together with the row
 * that records it, so a crash leaves the database at a whole version.
 */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  owner TEXT NOT NULL,
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (owner, version)
)`;

// Arbitrary constant shared by every process: the key of the PostgreSQL advisory lock that
// makes concurrent starters apply each migration exactly once.
const ADVISORY_LOCK_KEY = 4_201_775_301;
const OWNER_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function validate(owner: string, migrations: Migration[]): Migration[] {
  if (typeof owner !== 'string' || !OWNER_NAME.test(owner)) {
    throw new StorageError('invalid', `migration owner must match ${OWNER_NAME} (got ${JSON.stringify(owner)})`);
  }
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StorageError('invalid', `migrations of '${owner}' must be numbered 1, 2, 3... without gaps (found ${migration.version} at position ${index + 1})`);
    }
    if (!Array.isArray(migration.statements) || migration.statements.some((s) => typeof s !== 'string' || s.trim() === '')) {
      throw new StorageError('invalid', `migration ${owner}#${migration.version} must have non-empty SQL statements`);
    }
  });
  return sorted;
}

/** Opens a transaction in which no other process is migrating, with the bookkeeping table present. */
async function underMigrationLock<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // SQLite transactions here begin IMMEDIATE, which already excludes other writers.
    if (db.kind === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK_KEY]);
    await tx.run(CREATE_TABLE);
    return fn(tx);
  });
}

async function currentVersion(tx: Queryable, owner: string): Promise<number> {
  const row = await tx.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations WHERE owner = ?', [owner]);
  return Number(row?.version ?? 0);
}

function refuseNewer(owner: string, current: number, known: number): void {
  if (current > known) {
    throw new StorageError(
      'invalid',
      `database schema of '${owner}' is at version ${current} but this code knows only up to ${known}; upgrade the software instead of downgrading the database`,
    );
  }
}

async function runStatement(tx: Queryable, owner: string, migration: Migration, statement: string): Promise<void> {
  try {
    await tx.run(statement);
  } catch (err) {
    if (err instanceof StorageError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new StorageError('invalid', `migration ${owner}#${migration.version} (${migration.description}) failed: ${reason}`);
  }
}

/** Applies the owner's pending migrations in order; returns how many were applied. */
export async function runMigrations(db: Database, owner: string, migrations: Migration[]): Promise<number> {
  const ordered = validate(owner, migrations);
  const latest = ordered.length;
  let applied = 0;
  await underMigrationLock(db, async (tx) => refuseNewer(owner, await currentVersion(tx, owner), latest));
  for (const migration of ordered) {
    const didApply = await underMigrationLock(db, async (tx) => {
      const current = await currentVersion(tx, owner);
      refuseNewer(owner, current, latest);
      if (current >= migration.version) return false;
      for (const statement of migration.statements) await runStatement(tx, owner, migration, statement);
      await tx.run('INSERT INTO schema_migrations (owner, version, description, applied_at) VALUES (?, ?, ?, ?)', [
        owner,
        migration.version,
        migration.description,
        Date.now(),
      ]);
      return true;
    });
    if (didApply) applied += 1;
  }
  return applied;
}

export async function schemaVersion(db: Database, owner: string): Promise<number> {
  return underMigrationLock(db, (tx) => currentVersion(tx, owner));
}
