import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import type { Database, Queryable, PluginUsers, ClusterCache } from '@asterisk-im/server-core';
import { describeIssues } from '@asterisk-im/server-core';
import { normaliseDeviceName } from '../calls';
import { deleteDevice, deleteServer, readAll, writeDevice, writePrivacy, writeServer, writeSettings, type StoredData } from './store-tables';
import {
  isPhoneVisibility,
  PHONE_VISIBILITIES,
  PhoneStoreError,
  type AsteriskServer,
  type AsteriskServerInfo,
  type AsteriskServerInput,
  type PhoneDevice,
  type PhoneDeviceInput,
  type PhoneStore,
  type Settings,
} from './types';
import { DEFAULT_SETTINGS, deviceFields, serverFields, settingsSchema } from './validation';

export interface PhoneStoreDeps {
  db: Database;
  users: Pick<PluginUsers, 'exists'>;
  domain: string;
  /** Settings from the plugin config; saved settings override them. */
  configSettings: () => Partial<Settings>;
  /**
   * A replicated cache holding a change counter: every write bumps it, and every node reloads
   * its snapshot when it changes, so a change applies cluster-wide at once.
   */
  changes: ClusterCache<number>;
}

const CHANGE_KEY = 'version';

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [{ field, message }] = describeIssues(result.error.issues, schema, value, prefix ? [prefix] : []);
  throw new PhoneStoreError('invalid', field || prefix || 'input', message);
}

export const info = (s: AsteriskServer): AsteriskServerInfo => ({ name: s.name, host: s.host, port: s.port, username: s.username, tls: s.tls, hasSecret: s.secret !== '' });

const serverSchema = z.object({ ...serverFields, port: serverFields.port.default(5038), tls: serverFields.tls.default(false) }).strict();
const deviceSchema = z
  .object({ ...deviceFields, callerId: deviceFields.callerId.default(null), primary: deviceFields.primary.optional(), monitored: deviceFields.monitored.default(true), mailbox: deviceFields.mailbox.default(null) })
  .strict();

/** Servers, devices and settings: validated writes to the database, synchronous reads from a per-node snapshot. */
export class SqlPhoneStore implements PhoneStore {
  private data: StoredData = { servers: [], devices: [], settings: {}, privacy: {} };
  private readsStarted = 0;
  private newestApplied = 0;
  private readonly emitter = new EventEmitter<{ change: () => void }>();

  constructor(private readonly deps: PhoneStoreDeps) {}

  /** Loads the snapshot and follows changes made on any node; the return stops following. */
  async open(): Promise<() => void> {
    const onEntry = (): void => void this.reload().catch(() => undefined);
    this.deps.changes.on('entry', onEntry);
    await this.reload();
    return () => this.deps.changes.off('entry', onEntry);
  }

  /**
   * Reloads can overlap (a write here, a change announced by another node): a read that
   * started later sees at least what an earlier one saw, so an earlier read that finishes
   * last must not overwrite it.
   */
  async reload(): Promise<void> {
    const seq = ++this.readsStarted;
    const data = await readAll(this.deps.db);
    if (seq < this.newestApplied) return;
    this.newestApplied = seq;
    this.data = data;
    this.emitter.emit('change');
  }

  onChange(listener: () => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  readonly servers: PhoneStore['servers'] = {
    list: () => this.data.servers.map(info),
    get: (name) => {
      const found = this.data.servers.find((s) => s.name === name);
      return found && info(found);
    },
    add: async (input) => {
      const server = this.validServer(input);
      if (this.data.servers.some((s) => s.name === server.name)) throw new PhoneStoreError('conflict', 'name', `a server named ${server.name} exists`);
      await this.write((db) => writeServer(db, server));
      return info(server);
    },
    update: async (name, patch) => {
      const current = this.serverNamed(name);
      const server = this.validServer({ ...current, ...patch, name });
      await this.write((db) => writeServer(db, server));
      return info(server);
    },
    remove: async (name) => {
      const users = this.data.devices.filter((d) => d.server === name);
      if (users.length > 0) throw new PhoneStoreError('conflict', 'name', `${users.length} device(s) use server ${name}; remove them first`);
      return this.write((db) => deleteServer(db, name));
    },
  };

  readonly devices: PhoneStore['devices'] = {
    list: () => this.data.devices.map((d) => ({ ...d })),
    get: (device) => {
      const found = this.data.devices.find((d) => d.device === normaliseDeviceName(device));
      return found && { ...found };
    },
    ofUser: (bareJid) => this.data.devices.filter((d) => d.user === bareJid.toLowerCase()).map((d) => ({ ...d })),
    primaryOf: (bareJid) => {
      const found = this.data.devices.find((d) => d.user === bareJid.toLowerCase() && d.primary);
      return found && { ...found };
    },
    add: async (input) => {
      const device = await this.validDevice(input, { requireAccount: true });
      if (this.devices.get(device.device)) throw new PhoneStoreError('conflict', 'device', `${device.device} is already mapped`);
      const others = this.devices.ofUser(device.user);
      const primary = others.find((d) => d.primary);
      if (input.primary === true && primary) {
        throw new PhoneStoreError('conflict', 'primary', `${device.user} already has the primary device ${primary.device}; use setPrimary to change it`);
      }
      device.primary = !primary;
      await this.write((db) => writeDevice(db, device));
      return device;
    },
    update: async (name, patch) => {
      const current = this.deviceNamed(name);
      const device = await this.validDevice({ ...current, ...patch, device: current.device, primary: current.primary }, { requireAccount: patch.user !== undefined });
      const moved = device.user !== current.user;
      if (moved) device.primary = !this.devices.primaryOf(device.user);
      await this.write(async (db) => {
        await writeDevice(db, device);
        if (moved && current.primary) await this.promoteNext(db, current.user, current.device);
      });
      return device;
    },
    setPrimary: async (name) => {
      const device = this.deviceNamed(name);
      await this.write(async (db) => {
        for (const other of this.devices.ofUser(device.user)) {
          if (other.primary && other.device !== device.device) await writeDevice(db, { ...other, primary: false });
        }
        await writeDevice(db, { ...device, primary: true });
      });
      return { ...device, primary: true };
    },
    remove: async (name) => {
      const device = this.devices.get(name);
      if (!device) return false;
      await this.write(async (db) => {
        await deleteDevice(db, device.device);
        if (device.primary) await this.promoteNext(db, device.user, device.device);
      });
      return true;
    },
  };

  readonly settings: PhoneStore['settings'] = {
    get: () => ({ ...DEFAULT_SETTINGS, ...this.deps.configSettings(), ...this.data.settings }),
    update: async (patch) => {
      const valid = parse(settingsSchema.partial(), patch, 'settings');
      await this.write((db) => writeSettings(db, valid));
      return this.settings.get();
    },
  };

  readonly privacy: PhoneStore['privacy'] = {
    of: (bareJid) => this.data.privacy[bareJid.toLowerCase()] ?? this.settings.get().phoneVisibility,
    chosen: (bareJid) => this.data.privacy[bareJid.toLowerCase()] ?? null,
    set: async (bareJid, visibility) => {
      const user = parse(deviceFields.user, bareJid, 'user');
      if (visibility !== null && !isPhoneVisibility(visibility)) throw new PhoneStoreError('invalid', 'visibility', `must be one of ${PHONE_VISIBILITIES.join(', ')}, or null for the server's setting`);
      await this.write((db) => writePrivacy(db, user, visibility));
    },
  };

  /**
   * Writes the servers and devices the plugin config declares (the config wins for what it
   * names). Config devices may name accounts that do not exist yet.
   */
  async applyDeclared(servers: readonly AsteriskServerInput[], devices: readonly PhoneDeviceInput[]): Promise<void> {
    if (servers.length === 0 && devices.length === 0) return;
    const validServers = servers.map((s, i) => parse(serverSchema, s, `servers.${i}`));
    const knownServers = new Set([...this.data.servers.map((s) => s.name), ...validServers.map((s) => s.name)]);
    const byDevice = new Map(this.data.devices.map((d) => [d.device, d]));
    for (const [i, input] of devices.entries()) {
      const parsed = parse(deviceSchema, input, `devices.${i}`);
      if (!knownServers.has(parsed.server)) throw new PhoneStoreError('not-found', `devices.${i}.server`, `no Asterisk server named ${parsed.server}`);
      const device = normaliseDeviceName(parsed.device);
      byDevice.set(device, { ...parsed, device, primary: parsed.primary ?? byDevice.get(device)?.primary ?? false });
    }
    const all = [...byDevice.values()];
    for (const user of new Set(all.map((d) => d.user))) {
      const own = all.filter((d) => d.user === user);
      const primaries = own.filter((d) => d.primary);
      if (primaries.length > 1) throw new PhoneStoreError('conflict', 'devices', `${user} has more than one primary device: ${primaries.map((d) => d.device).join(', ')}`);
      if (primaries.length === 0) own[0]!.primary = true;
    }
    await this.write(async (db) => {
      for (const server of validServers) {
        const secret = server.secret ?? this.data.servers.find((s) => s.name === server.name)?.secret;
        if (!secret) throw new PhoneStoreError('invalid', 'secret', 'is required');
        await writeServer(db, { ...server, secret });
      }
      for (const device of all) await writeDevice(db, device);
    });
  }

  private async write<T>(change: (db: Queryable) => Promise<T>): Promise<T> {
    const result = await this.deps.db.transaction((tx) => change(tx));
    await this.reload();
    // A value nobody else can write at the same moment: two nodes bumping 5 to 6 at once would
    // otherwise look like one change.
    await this.deps.changes.set(CHANGE_KEY, Date.now() + Math.random());
    return result;
  }

  private async promoteNext(db: Queryable, user: string, leaving: string): Promise<void> {
    const next = this.data.devices.find((d) => d.user === user && d.device !== leaving);
    if (next) await writeDevice(db, { ...next, primary: true });
  }

  private serverNamed(name: string): AsteriskServer {
    const found = this.data.servers.find((s) => s.name === name);
    if (!found) throw new PhoneStoreError('not-found', 'name', `no Asterisk server named ${name}`);
    return found;
  }

  private deviceNamed(name: string): PhoneDevice {
    const found = this.devices.get(name);
    if (!found) throw new PhoneStoreError('not-found', 'device', `${name} is not mapped`);
    return found;
  }

  private validServer(input: AsteriskServerInput): AsteriskServer {
    const parsed = parse(serverSchema.extend({ secret: serverFields.secret.optional() }), input);
    const secret = parsed.secret ?? this.data.servers.find((s) => s.name === parsed.name)?.secret;
    if (!secret) throw new PhoneStoreError('invalid', 'secret', 'is required');
    return { ...parsed, secret };
  }

  private async validDevice(input: PhoneDeviceInput, options: { requireAccount: boolean }): Promise<PhoneDevice> {
    const parsed = parse(deviceSchema, input);
    if (!this.data.servers.some((s) => s.name === parsed.server)) throw new PhoneStoreError('not-found', 'server', `no Asterisk server named ${parsed.server}`);
    const [local, domain] = parsed.user.split('@') as [string, string];
    if (options.requireAccount && (domain !== this.deps.domain.toLowerCase() || !(await this.deps.users.exists(local)))) {
      throw new PhoneStoreError('not-found', 'user', `no account ${parsed.user} on this server`);
    }
    return { ...parsed, device: normaliseDeviceName(parsed.device), primary: parsed.primary ?? false };
  }

  /** For the link manager only: the credentials to open a link. */
  credentials(name: string): AsteriskServer | undefined {
    const found = this.data.servers.find((s) => s.name === name);
    return found && { ...found };
  }
}
