import type { Database, Migration } from '@asterisk-im/server-core';

/** When a user's last resource went offline, and the status of its unavailable presence. */
export interface LastLogout {
  username: string;
  /** Milliseconds since the epoch. */
  at: number;
  status: string | null;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'last logout per account',
    statements: ['CREATE TABLE last_activity_logouts (username TEXT PRIMARY KEY, logout_at BIGINT NOT NULL, status TEXT)'],
  },
];

/** The plugin's one table, on SQLite or PostgreSQL alike (shared by every node of a cluster). */
export class LastLogoutStore {
  constructor(private readonly db: Database) {}

  /** Keeps the latest end: two nodes ending sessions at once may write in either order. */
  async record(logout: LastLogout): Promise<void> {
    await this.db.run(
      'INSERT INTO last_activity_logouts (username, logout_at, status) VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE SET logout_at = excluded.logout_at, status = excluded.status WHERE excluded.logout_at >= last_activity_logouts.logout_at',
      [logout.username, logout.at, logout.status],
    );
  }

  async get(username: string): Promise<LastLogout | undefined> {
    const row = await this.db.get<{ logout_at: number; status: string | null }>('SELECT logout_at, status FROM last_activity_logouts WHERE username = ?', [username]);
    return row && { username, at: row.logout_at, status: row.status };
  }

  async forget(username: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM last_activity_logouts WHERE username = ?', [username])) > 0;
  }
}
