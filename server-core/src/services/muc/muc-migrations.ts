import type { Migration } from '../../storage';
import { archiveTable } from '../../im/mam';

/**
 * The MUC module's tables, versioned under the owner `muc` in schema_migrations. Only persistent
 * rooms are stored; a room's affiliations and history go with it. Portable between SQLite and
 * PostgreSQL (see docs/storage.md).
 */
export const MUC_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'persistent rooms with their configuration and subject, affiliations with reserved nicknames, bounded history',
    statements: [
      `CREATE TABLE muc_rooms (
        room TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        subject TEXT,
        subject_nick TEXT,
        salt TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE muc_affiliations (
        room TEXT NOT NULL REFERENCES muc_rooms (room) ON DELETE CASCADE,
        jid TEXT NOT NULL,
        affiliation TEXT NOT NULL,
        nick TEXT,
        reason TEXT,
        PRIMARY KEY (room, jid)
      )`,
      `CREATE TABLE muc_history (
        room TEXT NOT NULL REFERENCES muc_rooms (room) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        stamp BIGINT NOT NULL,
        nick TEXT NOT NULL,
        xml TEXT NOT NULL,
        PRIMARY KEY (room, seq)
      )`,
    ],
  },
  {
    version: 2,
    description: 'the archive of persistent rooms (XEP-0313 queries to a room), with the columns of mam_messages',
    statements: archiveTable('muc_archive', 'muc_rooms (room)'),
  },
  {
    version: 3,
    description: 'which forwarded stanzas a room archived (a stanza sent again to the next senior is not archived twice)',
    statements: [
      `CREATE TABLE muc_archive_forwarded (
        owner TEXT NOT NULL REFERENCES muc_rooms (room) ON DELETE CASCADE,
        forward_id TEXT NOT NULL,
        id TEXT NOT NULL,
        ts BIGINT NOT NULL,
        PRIMARY KEY (owner, forward_id)
      )`,
      'CREATE INDEX muc_archive_forwarded_ts ON muc_archive_forwarded (ts)',
    ],
  },
];
