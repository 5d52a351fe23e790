import type { Database } from '../../storage';

/** Where one account's notifications go: the app server, its node, and the publish-options form (XML) it asked for. */
export type PushRegistration = {
  jid: string;
  node: string;
  options: string | null;
};

export class PushStore {
  constructor(private readonly db: Database) {}

  async enable(username: string, registration: PushRegistration, now = Date.now()): Promise<void> {
    await this.db.run(
      'INSERT INTO push_registrations (username, jid, node, options, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (username, jid, node) DO UPDATE SET options = excluded.options, created_at = excluded.created_at',
      [username, registration.jid, registration.node, registration.options, now],
    );
  }

  /** Without `node`, every registration with that app server. */
  async disable(username: string, jid: string, node?: string): Promise<number> {
    return node === undefined
      ? this.db.run('DELETE FROM push_registrations WHERE username = ? AND jid = ?', [username, jid])
      : this.db.run('DELETE FROM push_registrations WHERE username = ? AND jid = ? AND node = ?', [username, jid, node]);
  }

  async count(username: string): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM push_registrations WHERE username = ?', [username]);
    return Number(row?.n ?? 0);
  }

  async of(username: string): Promise<PushRegistration[]> {
    return this.db.all<PushRegistration>('SELECT jid, node, options FROM push_registrations WHERE username = ? ORDER BY created_at', [username]);
  }
}
