import type { Migration } from '../../storage';

/** The push module's table, versioned under the owner `push`; registrations go with their account. */
export const PUSH_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'XEP-0357 push registrations: app server, node and publish-options per account',
    statements: [
      `CREATE TABLE push_registrations (
        username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
        jid TEXT NOT NULL,
        node TEXT NOT NULL,
        options TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (username, jid, node)
      )`,
    ],
  },
];
