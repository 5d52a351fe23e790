import type { Queryable } from '@asterisk-im/server-core';
import { DEFAULT_SETTINGS, settingsSchema } from './validation';
import { isPhoneVisibility, type AsteriskServer, type PhoneDevice, type PhoneVisibility, type Settings } from './types';

/** Row mapping for the plugin's tables; no validation here (see phone-store.ts). */

interface ServerRow extends Record<string, unknown> {
  name: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  tls: number;
}

interface DeviceRow extends Record<string, unknown> {
  device: string;
  user_jid: string;
  server: string;
  extension: string;
  caller_id: string | null;
  is_primary: number;
  monitored: number;
  mailbox: string | null;
}

export interface StoredData {
  servers: AsteriskServer[];
  devices: PhoneDevice[];
  /** Only the settings saved through the API; defaults are merged elsewhere. */
  settings: Partial<Settings>;
  /** Users who chose who sees their phone state (bare JID -> visibility); others follow `phoneVisibility`. */
  privacy: Record<string, PhoneVisibility>;
}

export async function readAll(db: Queryable): Promise<StoredData> {
  const servers = (await db.all<ServerRow>('SELECT * FROM asterisk_im_servers ORDER BY name')).map((r) => ({
    name: r.name,
    host: r.host,
    port: Number(r.port),
    username: r.username,
    secret: r.secret,
    tls: Number(r.tls) === 1,
  }));
  const devices = (await db.all<DeviceRow>('SELECT * FROM asterisk_im_devices ORDER BY device')).map((r) => ({
    device: r.device,
    user: r.user_jid,
    server: r.server,
    extension: r.extension,
    callerId: r.caller_id,
    primary: Number(r.is_primary) === 1,
    monitored: Number(r.monitored) === 1,
    mailbox: r.mailbox ?? null,
  }));
  const settings: Record<string, unknown> = {};
  for (const row of await db.all<{ name: string; value: string }>('SELECT name, value FROM asterisk_im_settings')) {
    if (!(row.name in DEFAULT_SETTINGS)) continue;
    settings[row.name] = JSON.parse(row.value) as unknown;
  }
  // A row written by an older version that no longer validates falls back to the default.
  const parsed = settingsSchema.partial().safeParse(settings);
  const privacy: Record<string, PhoneVisibility> = {};
  for (const row of await db.all<{ user_jid: string; visibility: string }>('SELECT user_jid, visibility FROM asterisk_im_user_privacy')) {
    if (isPhoneVisibility(row.visibility)) privacy[row.user_jid] = row.visibility;
  }
  return { servers, devices, settings: parsed.success ? parsed.data : {}, privacy };
}

/** Null: the user follows the server's `phoneVisibility` again. */
export async function writePrivacy(db: Queryable, user: string, visibility: PhoneVisibility | null): Promise<void> {
  if (visibility === null) {
    await db.run('DELETE FROM asterisk_im_user_privacy WHERE user_jid = ?', [user]);
    return;
  }
  await db.run('INSERT INTO asterisk_im_user_privacy (user_jid, visibility) VALUES (?, ?) ON CONFLICT (user_jid) DO UPDATE SET visibility = excluded.visibility', [user, visibility]);
}

export async function writeServer(db: Queryable, s: AsteriskServer): Promise<void> {
  await db.run(
    `INSERT INTO asterisk_im_servers (name, host, port, username, secret, tls) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET host = excluded.host, port = excluded.port, username = excluded.username,
       secret = excluded.secret, tls = excluded.tls`,
    [s.name, s.host, s.port, s.username, s.secret, s.tls ? 1 : 0],
  );
}

export async function deleteServer(db: Queryable, name: string): Promise<boolean> {
  return (await db.run('DELETE FROM asterisk_im_servers WHERE name = ?', [name])) > 0;
}

export async function writeDevice(db: Queryable, d: PhoneDevice): Promise<void> {
  await db.run(
    `INSERT INTO asterisk_im_devices (device, user_jid, server, extension, caller_id, is_primary, monitored, mailbox) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (device) DO UPDATE SET user_jid = excluded.user_jid, server = excluded.server, extension = excluded.extension,
       caller_id = excluded.caller_id, is_primary = excluded.is_primary, monitored = excluded.monitored, mailbox = excluded.mailbox`,
    [d.device, d.user, d.server, d.extension, d.callerId, d.primary ? 1 : 0, d.monitored ? 1 : 0, d.mailbox],
  );
}

export async function deleteDevice(db: Queryable, device: string): Promise<boolean> {
  return (await db.run('DELETE FROM asterisk_im_devices WHERE device = ?', [device])) > 0;
}

export async function writeSettings(db: Queryable, settings: Partial<Settings>): Promise<void> {
  for (const [name, value] of Object.entries(settings)) {
    await db.run(
      'INSERT INTO asterisk_im_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
      [name, JSON.stringify(value)],
    );
  }
}
