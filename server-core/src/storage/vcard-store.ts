import { parseUsername } from './identifiers';
import { isForeignKeyViolation } from './sql-errors';
import { StorageError } from './stores';
import type { VCardStore } from './stores';
import type { Database } from './types';

export class SqlVCardStore implements VCardStore {
  constructor(private readonly db: Database) {}

  async get(owner: string): Promise<string | undefined> {
    const user = parseUsername(owner);
    const row = await this.db.get<{ xml: string }>('SELECT xml FROM vcards WHERE username = ?', [user]);
    return row?.xml;
  }

  async set(owner: string, xml: string): Promise<void> {
    const user = parseUsername(owner);
    if (typeof xml !== 'string' || xml.length === 0) throw new StorageError('invalid', 'vCard xml must be a non-empty string');
    try {
      await this.db.run(
        `INSERT INTO vcards (username, xml, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at`,
        [user, xml, Date.now()],
      );
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new StorageError('not-found', `no account '${user}'`);
      throw err;
    }
  }
}
