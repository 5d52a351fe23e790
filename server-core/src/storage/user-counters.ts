import { isForeignKeyViolation } from './sql-errors';
import { StorageError } from './stores';
import type { Queryable } from './types';

/** Named per-user counters: the roster version, offline message ids and upload slots handed out. */
export type UserCounter = 'roster-version' | 'offline-id' | 'upload-slots';

/**
 * Increments and returns the counter inside the caller's transaction. On PostgreSQL the
 * upsert locks the counter row until commit, which also serialises concurrent writers of
 * the same user's data.
 */
export async function nextCounterValue(tx: Queryable, username: string, counter: UserCounter): Promise<number> {
  try {
    await tx.run(
      `INSERT INTO user_counters (username, counter, value) VALUES (?, ?, 1)
       ON CONFLICT (username, counter) DO UPDATE SET value = user_counters.value + 1`,
      [username, counter],
    );
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new StorageError('not-found', `no account '${username}'`);
    throw err;
  }
  return readCounter(tx, username, counter);
}

export async function readCounter(db: Queryable, username: string, counter: UserCounter): Promise<number> {
  const row = await db.get<{ value: number }>('SELECT value FROM user_counters WHERE username = ? AND counter = ?', [username, counter]);
  return Number(row?.value ?? 0);
}
