import type { Migration } from '../../storage';

/** The private-storage module's table, versioned under its own name in schema_migrations. */
export const PRIVATE_STORAGE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'XEP-0049 private XML: one element per account and namespace',
    statements: [
      `CREATE TABLE private_storage (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        xml TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (username, namespace)
      )`,
    ],
  },
];
