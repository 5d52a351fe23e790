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
];
