import { parseUsername } from './identifiers';
import { nextCounterValue } from './user-counters';
import { StorageError } from './stores';
import type { OfflineMessage, OfflineStore } from './stores';
import type { Database } from './types';

export class SqlOfflineStore implements OfflineStore {
  constructor(private readonly db: Database) {}

  async push(owner: string, xml: string, limit: number): Promise<boolean> {
    const user = parseUsername(owner);
    if (typeof xml !== 'string' || xml.length === 0) throw new StorageError('invalid', 'offline message xml must be a non-empty string');
    if (!Number.isInteger(limit) || limit < 0) throw new StorageError('invalid', `offline limit must be a non-negative integer (got ${limit})`);
    return this.db.transaction(async (tx) => {
      // Taking the id first locks the user's counter row, so concurrent pushes count in turn
      // and the limit holds. A refused push leaves a gap in the ids, which is harmless.
      const id = await nextCounterValue(tx, user, 'offline-id');
      const row = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM offline_messages WHERE username = ?', [user]);
      if (Number(row?.n ?? 0) >= limit) return false;
      await tx.run('INSERT INTO offline_messages (username, id, stamp, xml) VALUES (?, ?, ?, ?)', [user, id, Date.now(), xml]);
      return true;
    });
  }

  async take(owner: string): Promise<OfflineMessage[]> {
    const user = parseUsername(owner);
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<{ id: number; stamp: number; xml: string }>(
        'SELECT id, stamp, xml FROM offline_messages WHERE username = ? ORDER BY id',
        [user],
      );
      if (rows.length === 0) return [];
      // Delete exactly what was read, so a message pushed meanwhile is kept for next time.
      await tx.run('DELETE FROM offline_messages WHERE username = ? AND id <= ?', [user, rows[rows.length - 1].id]);
      return rows.map((r) => ({ id: Number(r.id), stamp: Number(r.stamp), xml: r.xml }));
    });
  }

  async count(owner: string): Promise<number> {
    const user = parseUsername(owner);
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM offline_messages WHERE username = ?', [user]);
    return Number(row?.n ?? 0);
  }
}
