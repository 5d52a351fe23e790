import type { Database } from '../../storage';

/** The private_storage table: one XML element per account and namespace. */
export class PrivateStore {
  constructor(private readonly db: Database) {}

  async get(username: string, namespace: string): Promise<string | undefined> {
    const row = await this.db.get<{ xml: string }>('SELECT xml FROM private_storage WHERE username = ? AND namespace = ?', [username, namespace]);
    return row?.xml;
  }

  async set(username: string, namespace: string, xml: string): Promise<void> {
    await this.db.run(
      `INSERT INTO private_storage (username, namespace, xml, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (username, namespace) DO UPDATE SET xml = excluded.xml, updated_at = excluded.updated_at`,
      [username, namespace, xml, Date.now()],
    );
  }
}
