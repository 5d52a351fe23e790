import { parseUsername } from './identifiers';
import { nextCounterValue } from './user-counters';
import { StorageError } from './stores';
import type { OfflineMessage, OfflinePushResult, OfflineQuota, OfflineStore } from './stores';
import type { Database } from './types';

/** Rows removed per statement: keeps the placeholder list of one DELETE short. */
const REMOVE_CHUNK = 200;

export class SqlOfflineStore implements OfflineStore {
  constructor(private readonly db: Database) {}

  async push(owner: string, xml: string, quota: OfflineQuota): Promise<OfflinePushResult> {
    const user = parseUsername(owner);
    if (typeof xml !== 'string' || xml.length === 0) throw new StorageError('invalid', 'offline message xml must be a non-empty string');
    checkLimit('offline message limit', quota?.messages);
    checkLimit('offline byte limit', quota?.bytes);
    const bytes = Buffer.byteLength(xml, 'utf8');
    return this.db.transaction(async (tx) => {
      // Taking the id first locks the user's counter row, so concurrent pushes count in turn
      // and the limits hold. A refused push leaves a gap in the ids, which is harmless.
      const id = await nextCounterValue(tx, user, 'offline-id');
      const row = await tx.get<{ n: number; total: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS total FROM offline_messages WHERE username = ?', [user]);
      if (Number(row?.n ?? 0) >= quota.messages) return { stored: false, full: 'messages' as const };
      if (Number(row?.total ?? 0) + bytes > quota.bytes) return { stored: false, full: 'bytes' as const };
      await tx.run('INSERT INTO offline_messages (username, id, stamp, xml, bytes) VALUES (?, ?, ?, ?, ?)', [user, id, Date.now(), xml, bytes]);
      return { stored: true as const };
    });
  }

  async peek(owner: string, batch: { afterId: number; maxMessages: number; maxBytes: number }): Promise<OfflineMessage[]> {
    const user = parseUsername(owner);
    const rows = await this.db.all<{ id: number; stamp: number; xml: string; bytes: number }>(
      'SELECT id, stamp, xml, bytes FROM offline_messages WHERE username = ? AND id > ? ORDER BY id LIMIT ?',
      [user, batch.afterId, batch.maxMessages],
    );
    const out: OfflineMessage[] = [];
    let total = 0;
    for (const row of rows) {
      total += Number(row.bytes);
      if (out.length > 0 && total > batch.maxBytes) break;
      out.push({ id: Number(row.id), stamp: Number(row.stamp), xml: row.xml });
    }
    return out;
  }

  async remove(owner: string, ids: readonly number[]): Promise<void> {
    const user = parseUsername(owner);
    for (let start = 0; start < ids.length; start += REMOVE_CHUNK) {
      const chunk = ids.slice(start, start + REMOVE_CHUNK);
      await this.db.run(`DELETE FROM offline_messages WHERE username = ? AND id IN (${chunk.map(() => '?').join(', ')})`, [user, ...chunk]);
    }
  }

  async count(owner: string): Promise<number> {
    const user = parseUsername(owner);
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM offline_messages WHERE username = ?', [user]);
    return Number(row?.n ?? 0);
  }
}

function checkLimit(what: string, value: number | undefined): void {
  if (!Number.isInteger(value) || (value as number) < 0) throw new StorageError('invalid', `${what} must be a non-negative integer (got ${value})`);
}
