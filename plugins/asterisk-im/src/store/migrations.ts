import type { Migration } from '@asterisk-im/server-core';

/** Portable SQL (SQLite and PostgreSQL): booleans are INTEGER 0/1, settings are JSON text. */
export const STORE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'Asterisk servers, devices of users, settings',
    statements: [
      `CREATE TABLE asterisk_im_servers (
        name TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        username TEXT NOT NULL,
        secret TEXT NOT NULL,
        tls INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE asterisk_im_devices (
        device TEXT PRIMARY KEY,
        user_jid TEXT NOT NULL,
        server TEXT NOT NULL REFERENCES asterisk_im_servers (name),
        extension TEXT NOT NULL,
        caller_id TEXT,
        is_primary INTEGER NOT NULL DEFAULT 0,
        monitored INTEGER NOT NULL DEFAULT 1
      )`,
      `CREATE INDEX asterisk_im_devices_user ON asterisk_im_devices (user_jid)`,
      `CREATE TABLE asterisk_im_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    description: 'Call log; voicemail box of a device',
    statements: [
      // One row per call of a user's phone, keyed by the Uniqueid of the phone's channel: the
      // senior that sees the end writes it, and a second senior seeing the same end writes nothing.
      `CREATE TABLE asterisk_im_call_log (
        call_id TEXT PRIMARY KEY,
        user_jid TEXT NOT NULL,
        device TEXT NOT NULL,
        direction TEXT NOT NULL,
        peer_number TEXT,
        peer_name TEXT,
        started_at BIGINT NOT NULL,
        answered_at BIGINT,
        ended_at BIGINT NOT NULL,
        notice_pending INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX asterisk_im_call_log_user ON asterisk_im_call_log (user_jid, started_at)`,
      `CREATE INDEX asterisk_im_call_log_ended ON asterisk_im_call_log (ended_at)`,
      `ALTER TABLE asterisk_im_devices ADD COLUMN mailbox TEXT`,
    ],
  },
  {
    version: 3,
    description: 'Who sees the phone state of a user, when the user chose it',
    statements: [
      `CREATE TABLE asterisk_im_user_privacy (
        user_jid TEXT PRIMARY KEY,
        visibility TEXT NOT NULL
      )`,
    ],
  },
];
