import type { Database, Migration } from '../storage';
import { runMigrations } from '../storage';
import type { JsonValue } from '../cluster/types';

/**
 * The plugin list as changed at run time (install, enable, disable, reconfigure), so those
 * choices survive restarts. A row overrides the config file entry of the same name.
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'plugins installed or changed at run time',
    statements: [
      `CREATE TABLE plugins (
        name TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        config TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
    ],
  },
];

export interface StoredPlugin {
  name: string;
  source: string;
  enabled: boolean;
  config: JsonValue;
}

export class PluginStore {
  constructor(private readonly db: Database) {}

  async migrate(): Promise<void> {
    await runMigrations(this.db, 'plugin-host', MIGRATIONS);
  }

  async all(): Promise<StoredPlugin[]> {
    const rows = await this.db.all<{ name: string; source: string; enabled: number | boolean; config: string }>(
      'SELECT name, source, enabled, config FROM plugins ORDER BY name',
    );
    return rows.map((row) => ({ name: row.name, source: row.source, enabled: Number(row.enabled) === 1, config: JSON.parse(row.config) as JsonValue }));
  }

  async save(plugin: StoredPlugin): Promise<void> {
    await this.db.run(
      `INSERT INTO plugins (name, source, enabled, config, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET source = excluded.source, enabled = excluded.enabled, config = excluded.config, updated_at = excluded.updated_at`,
      [plugin.name, plugin.source, plugin.enabled ? 1 : 0, JSON.stringify(plugin.config), Date.now()],
    );
  }
}
