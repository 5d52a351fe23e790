import type { Migration } from './types';

/**
 * The server's own tables. Statements are portable between SQLite and PostgreSQL:
 * - binary values (salts, SCRAM keys) are base64 TEXT, because BLOB and BYTEA differ;
 * - booleans are INTEGER 0/1;
 * - no autoincrement: ids come from per-user counters in `user_counters`, which also
 *   hold the roster version, so both backends number rows the same way;
 * - every table owned by an account references it with ON DELETE CASCADE, so deleting
 *   the account removes everything it owns.
 */
export const CORE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'accounts, SCRAM credentials, rosters, offline messages, vCards, blocklists',
    statements: [
      `CREATE TABLE accounts (
        username TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE scram_credentials (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        mechanism TEXT NOT NULL,
        salt TEXT NOT NULL,
        iterations INTEGER NOT NULL,
        stored_key TEXT NOT NULL,
        server_key TEXT NOT NULL,
        PRIMARY KEY (username, mechanism)
      )`,
      `CREATE TABLE user_counters (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        counter TEXT NOT NULL,
        value BIGINT NOT NULL,
        PRIMARY KEY (username, counter)
      )`,
      `CREATE TABLE roster_items (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        jid TEXT NOT NULL,
        name TEXT,
        subscription TEXT NOT NULL,
        ask_out INTEGER NOT NULL DEFAULT 0,
        pending_in INTEGER NOT NULL DEFAULT 0,
        pending_in_stanza TEXT,
        pre_approved INTEGER NOT NULL DEFAULT 0,
        group_names TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (username, jid)
      )`,
      'CREATE INDEX roster_items_by_jid ON roster_items (jid)',
      `CREATE TABLE offline_messages (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        id BIGINT NOT NULL,
        stamp BIGINT NOT NULL,
        xml TEXT NOT NULL,
        PRIMARY KEY (username, id)
      )`,
      `CREATE TABLE vcards (
        username TEXT PRIMARY KEY REFERENCES accounts (username) ON DELETE CASCADE,
        xml TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE blocklist_items (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        jid TEXT NOT NULL,
        PRIMARY KEY (username, jid)
      )`,
    ],
  },
  {
    version: 2,
    description: 'offline messages record their size, so a per-user byte quota is one indexed sum',
    statements: [
      'ALTER TABLE offline_messages ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0',
      // Characters, not bytes, for rows stored before: close enough for a quota, and portable.
      'UPDATE offline_messages SET bytes = LENGTH(xml)',
    ],
  },
];
