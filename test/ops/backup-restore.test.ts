/**
 * docs/ops/backup.md, followed: `backup` on a running node, `restore` into a fresh node's empty
 * database, and the fresh node keeps accounts, rosters, offline messages and phone mappings.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server-core/src/config';
import { silentLogger } from '../../server-core/src/log';
import { startServer, type RunningServer } from '../../server-core/src/server';
import { onAdminConnection, TEST_POSTGRES_URL, type TestBackend } from '../../server-core/testing/databases';
import { COMMANDS } from '../../server-core/src/cli/commands';
import { runCli } from '../../server-core/src/cli/run-cli';
import { runCliInProcess } from '../support/cli-in-process';
import { connectClient, xml } from '../support/xmpp-client';

const ROSTER_NS = 'jabber:iq:roster';

async function cli(args: string[], configFile: string): Promise<string> {
  const { code, stdout, stderr } = await runCliInProcess(args, { AIM_CONFIG: configFile });
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${stderr}`);
  return stdout;
}

/** A node's folder and config file; PostgreSQL nodes get a database of their own, created empty. */
async function nodeFolder(backend: TestBackend, cleanups: Array<() => Promise<void>>): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-backup-'));
  cleanups.push(async () => fs.rmSync(folder, { recursive: true, force: true }));
  let storage: Record<string, unknown> = { kind: 'sqlite' };
  if (backend === 'postgres') {
    const name = `aim_backup_${randomBytes(5).toString('hex')}`;
    await onAdminConnection(`CREATE DATABASE ${name}`);
    cleanups.push(() => onAdminConnection(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    storage = { kind: 'postgres', url: url.toString(), poolSize: 2 };
  }
  const config = {
    dataDir: path.join(folder, 'data'),
    storage,
    listeners: { c2s: { host: '127.0.0.1', port: 0 }, c2sDirectTls: false, websocket: false, admin: { host: '127.0.0.1', port: 0 } },
    auth: { scramIterations: 1024, loginFailureDelayMs: 50 },
    log: { level: 'silent' },
    plugins: [{ name: 'asterisk-im' }],
  };
  const file = path.join(folder, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

const start = (configFile: string) => startServer(loadConfig({ file: configFile, env: {} }), { logger: silentLogger() });
const address = (server: RunningServer) => ({ domain: server.domain, c2sPort: server.addresses.c2s.port, directTlsPort: 0, websocketUrl: '' });
const adminUrl = (server: RunningServer) => `http://127.0.0.1:${server.addresses.admin.port}`;

describe.each<TestBackend>(['sqlite', 'postgres'])('backup and restore (%s)', (backend) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a fresh node restored from a backup keeps accounts, rosters, offline messages and phone mappings', async () => {
    const sourceConfig = await nodeFolder(backend, cleanups);
    await cli(['user', 'add', 'alice', '--password', 'alice-pw'], sourceConfig);
    await cli(['user', 'add', 'bob', '--password', 'bob-pw'], sourceConfig);
    const source = await start(sourceConfig);
    cleanups.push(() => source.stop());
    const backup = path.join(path.dirname(sourceConfig), 'backups', 'server.backup');
    {
      const alice = await connectClient(address(source), { username: 'alice', password: 'alice-pw' });
      await alice.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: ROSTER_NS }, xml('item', { jid: 'bob@localhost', name: 'Bob' }, xml('group', null, 'Team')))));
      await alice.send(xml('message', { to: 'bob@localhost', type: 'chat' }, xml('body', null, 'kept while you were away')));
      await alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
      await alice.stop();
      expect(await source.context.stores.offline.count('bob')).toBe(1);
      const url = ['--url', adminUrl(source)];
      await cli(['asterisk', 'server-add', 'pbx1', '--host', '127.0.0.1', '--port', '1', '--username', 'aim', '--secret', 'ami-secret', ...url], sourceConfig);
      await cli(['asterisk', 'device-add', 'PJSIP/1001', '--user', 'alice@localhost', '--server', 'pbx1', '--extension', '1001', ...url], sourceConfig);
      // Taken while the node runs: the backup is consistent without stopping it.
      expect(await cli(['backup', backup], sourceConfig)).toBe(`backed up the ${backend} database to ${backup}\n`);
    }
    await source.stop();

    const freshConfig = await nodeFolder(backend, cleanups);
    expect(await cli(['restore', backup], freshConfig)).toMatch(/^restored the \w+ database from /);
    const fresh = await start(freshConfig);
    cleanups.push(() => fresh.stop());

    const bob = await connectClient(address(fresh), { username: 'bob', password: 'bob-pw' });
    try {
      await bob.send(xml('presence'));
      const message = await bob.waitFor((stanza) => stanza.is('message') && stanza.getChildText('body') !== null, 10_000, 'the offline message');
      expect(message.attrs.from).toMatch(/^alice@localhost/);
      expect(message.getChildText('body')).toBe('kept while you were away');
    } finally {
      await bob.stop();
    }
    const alice = await connectClient(address(fresh), { username: 'alice', password: 'alice-pw' });
    try {
      const roster = await alice.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: ROSTER_NS })));
      const items = roster.getChild('query', ROSTER_NS)!.getChildren('item');
      expect(items.map((item) => [item.attrs.jid, item.attrs.name, item.getChildText('group')])).toEqual([['bob@localhost', 'Bob', 'Team']]);
    } finally {
      await alice.stop();
    }
    const devices = await cli(['asterisk', 'device-list', '--url', adminUrl(fresh)], freshConfig);
    expect(devices).toMatch(/^PJSIP\/1001\talice@localhost\tpbx1\t1001/m);
    expect(await cli(['asterisk', 'server-list', '--url', adminUrl(fresh)], freshConfig)).toMatch(/^pbx1\t127\.0\.0\.1:1\taim\tplain$/m);
  }, 90_000);
});

describe('restore refuses what would lose data', () => {
  it('an existing SQLite database is kept unless --replace is given; a file that is not a backup is refused', async () => {
    const cleanups: Array<() => Promise<void>> = [];
    try {
      const configFile = await nodeFolder('sqlite', cleanups);
      await cli(['user', 'add', 'carol', '--password', 'carol-pw'], configFile);
      const backup = path.join(path.dirname(configFile), 'carol.backup');
      await cli(['backup', backup], configFile);
      await expect(cli(['restore', backup], configFile)).rejects.toThrow(/exists; stop the server and pass --replace to overwrite it/);
      await cli(['restore', '--replace', backup], configFile);
      expect(await cli(['user', 'list'], configFile)).toContain('carol');
      const notABackup = path.join(path.dirname(configFile), 'notes.txt');
      fs.writeFileSync(notABackup, 'hello');
      await expect(cli(['restore', '--replace', notABackup], configFile)).rejects.toThrow(/cannot be restored/);
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });
});
