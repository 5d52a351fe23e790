import { parseJid, parseUsername } from './identifiers';
import { isForeignKeyViolation } from './sql-errors';
import { StorageError } from './stores';
import type { BlocklistStore } from './stores';
import type { Database } from './types';

function parseJids(jids: unknown): string[] {
  if (!Array.isArray(jids)) throw new StorageError('invalid', 'blocklist jids must be an array');
  return [...new Set(jids.map((jid) => parseJid(jid, 'blocked JID')))];
}

export class SqlBlocklistStore implements BlocklistStore {
  constructor(private readonly db: Database) {}

  async list(owner: string): Promise<string[]> {
    const user = parseUsername(owner);
    const rows = await this.db.all<{ jid: string }>('SELECT jid FROM blocklist_items WHERE username = ? ORDER BY jid', [user]);
    return rows.map((r) => r.jid);
  }

  async add(owner: string, jids: string[]): Promise<void> {
    const user = parseUsername(owner);
    const valid = parseJids(jids);
    try {
      await this.db.transaction(async (tx) => {
        for (const jid of valid) {
          await tx.run('INSERT INTO blocklist_items (username, jid) VALUES (?, ?) ON CONFLICT (username, jid) DO NOTHING', [user, jid]);
        }
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new StorageError('not-found', `no account '${user}'`);
      throw err;
    }
  }

  async remove(owner: string, jids: string[]): Promise<void> {
    const user = parseUsername(owner);
    const valid = parseJids(jids);
    if (valid.length === 0) {
      await this.db.run('DELETE FROM blocklist_items WHERE username = ?', [user]);
      return;
    }
    await this.db.transaction(async (tx) => {
      for (const jid of valid) await tx.run('DELETE FROM blocklist_items WHERE username = ? AND jid = ?', [user, jid]);
    });
  }
}
