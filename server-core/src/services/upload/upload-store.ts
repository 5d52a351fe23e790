import crypto from 'node:crypto';
import { nextCounterValue, type Database, type Queryable } from '../../storage';

/** A slot handed out (`pending`) or a file uploaded through it (`stored`). */
export type UploadRow = {
  id: string;
  username: string;
  filename: string;
  size: number;
  content_type: string;
  state: 'pending' | 'stored';
  created_at: number;
  expires_at: number;
};

export interface UploadUsage {
  username: string;
  files: number;
  bytes: number;
}

/** The upload module's SQL: slots, files, per-account quotas and the secret every node signs with. */
export class UploadStore {
  constructor(private readonly db: Database) {}

  /**
   * The secret that signs upload URLs, the same on every node: the first node to start writes a
   * random one, the others read it.
   */
  async secret(): Promise<string> {
    await this.db.run('INSERT INTO upload_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [crypto.randomBytes(32).toString('hex')]);
    const row = await this.db.get<{ secret: string }>('SELECT secret FROM upload_secret WHERE id = 1');
    return row!.secret;
  }

  /** Bytes the account holds now: stored files and slots not yet used, neither expired. */
  usedBytes(username: string, now: number): Promise<number> {
    return this.usedBytesIn(this.db, username, now);
  }

  private async usedBytesIn(db: Queryable, username: string, now: number): Promise<number> {
    const row = await db.get<{ total: number | null }>('SELECT SUM(size) AS total FROM upload_files WHERE username = ? AND expires_at > ?', [username, now]);
    return Number(row?.total ?? 0);
  }

  /** When the account's first entry expires (what frees room soonest). */
  async nextExpiry(username: string, now: number): Promise<number | undefined> {
    const row = await this.db.get<{ at: number | null }>('SELECT MIN(expires_at) AS at FROM upload_files WHERE username = ? AND expires_at > ?', [username, now]);
    return row?.at == null ? undefined : Number(row.at);
  }

  async quotaOf(username: string): Promise<number | undefined> {
    const row = await this.db.get<{ quota_bytes: number }>('SELECT quota_bytes FROM upload_quotas WHERE username = ?', [username]);
    return row ? Number(row.quota_bytes) : undefined;
  }

  async setQuota(username: string, quotaBytes: number | null): Promise<void> {
    if (quotaBytes === null) {
      await this.db.run('DELETE FROM upload_quotas WHERE username = ?', [username]);
      return;
    }
    await this.db.run('INSERT INTO upload_quotas (username, quota_bytes) VALUES (?, ?) ON CONFLICT (username) DO UPDATE SET quota_bytes = excluded.quota_bytes', [username, quotaBytes]);
  }

  /**
   * Records the slot if the account stays within `quota` with it, and says how much was in use.
   * One account's slots are counted in turn (the counter row is locked until commit), so two
   * requests at once, on any nodes, cannot both fit in the room left for one.
   */
  async addSlotWithinQuota(row: Omit<UploadRow, 'state'>, quota: number): Promise<{ added: boolean; used: number }> {
    return this.db.transaction(async (tx) => {
      await nextCounterValue(tx, row.username, 'upload-slots');
      const used = await this.usedBytesIn(tx, row.username, row.created_at);
      if (used + row.size > quota) return { added: false, used };
      await tx.run('INSERT INTO upload_files (id, username, filename, size, content_type, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        row.id,
        row.username,
        row.filename,
        row.size,
        row.content_type,
        'pending',
        row.created_at,
        row.expires_at,
      ]);
      return { added: true, used };
    });
  }

  async get(id: string): Promise<UploadRow | undefined> {
    const row = await this.db.get<UploadRow>('SELECT * FROM upload_files WHERE id = ?', [id]);
    return row ? { ...row, size: Number(row.size), created_at: Number(row.created_at), expires_at: Number(row.expires_at) } : undefined;
  }

  /** Marks a slot's file uploaded; false when another PUT got there first or the slot is gone. */
  async markStored(id: string, expiresAt: number): Promise<boolean> {
    return (await this.db.run("UPDATE upload_files SET state = 'stored', expires_at = ? WHERE id = ? AND state = 'pending'", [expiresAt, id])) === 1;
  }

  async remove(id: string): Promise<void> {
    await this.db.run('DELETE FROM upload_files WHERE id = ?', [id]);
  }

  /** Ids of entries expired by `now`, oldest first, a batch at a time. */
  async expired(now: number, limit: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>('SELECT id FROM upload_files WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', [now, limit]);
    return rows.map((row) => row.id);
  }

  /** Stored files and their bytes per account, largest first. */
  async usage(now: number): Promise<UploadUsage[]> {
    const rows = await this.db.all<{ username: string; files: number; bytes: number }>(
      "SELECT username, COUNT(*) AS files, SUM(size) AS bytes FROM upload_files WHERE state = 'stored' AND expires_at > ? GROUP BY username ORDER BY bytes DESC, username",
      [now],
    );
    return rows.map((row) => ({ username: row.username, files: Number(row.files), bytes: Number(row.bytes) }));
  }
}
