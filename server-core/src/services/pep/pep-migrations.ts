import type { Migration } from '../../storage';

/**
 * The PEP module's tables, versioned under the owner `pep` in schema_migrations. Every row
 * belongs to an account and goes with it (ON DELETE CASCADE); items and subscriptions go with
 * their node. Portable between SQLite and PostgreSQL (see docs/storage.md).
 */
export const PEP_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'PEP nodes with their configuration, items in publication order, explicit subscriptions',
    statements: [
      `CREATE TABLE pep_nodes (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        node TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (username, node)
      )`,
      `CREATE TABLE pep_items (
        username TEXT NOT NULL,
        node TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        published_at BIGINT NOT NULL,
        publisher TEXT NOT NULL,
        xml TEXT NOT NULL,
        PRIMARY KEY (username, node, item_id),
        FOREIGN KEY (username, node) REFERENCES pep_nodes (username, node) ON DELETE CASCADE
      )`,
      'CREATE INDEX pep_items_by_seq ON pep_items (username, node, seq)',
      `CREATE TABLE pep_subscriptions (
        username TEXT NOT NULL,
        node TEXT NOT NULL,
        jid TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (username, node, jid),
        FOREIGN KEY (username, node) REFERENCES pep_nodes (username, node) ON DELETE CASCADE
      )`,
    ],
  },
];
