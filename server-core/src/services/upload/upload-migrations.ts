import type { Migration } from '../../storage';

/**
 * The upload module's tables, versioned under the owner `upload` in schema_migrations. A file's
 * row does not reference its account: it must outlive a deleted account until it expires, so the
 * cleanup that removes the row also removes the bytes on disk (a cascade would orphan them).
 */
export const UPLOAD_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'HTTP upload files and slots, per-account quotas, the URL signing secret',
    statements: [
      `CREATE TABLE upload_files (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        filename TEXT NOT NULL,
        size BIGINT NOT NULL,
        content_type TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      'CREATE INDEX upload_files_by_user ON upload_files (username)',
      'CREATE INDEX upload_files_by_expiry ON upload_files (expires_at)',
      `CREATE TABLE upload_quotas (
        username TEXT PRIMARY KEY REFERENCES accounts (username) ON DELETE CASCADE,
        quota_bytes BIGINT NOT NULL
      )`,
      'CREATE TABLE upload_secret (id INTEGER PRIMARY KEY, secret TEXT NOT NULL)',
    ],
  },
];
