/**
 * Prosody (Debian's package) under the same load, for side-by-side figures: accounts and
 * rosters are written straight into its data folder in its own format, with SCRAM-SHA-1
 * hashed passwords at the same iteration count we use, so a PLAIN login costs both servers
 * one key stretch.
 */
import { spawn } from 'node:child_process';
import { pbkdf2Sync, createHmac, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerProcess } from './server-process';
import { processStats } from './server-process';

export const PROSODY_BINARY = '/usr/bin/prosody';

function luaString(value: string): string {
  return JSON.stringify(value);
}

function hashedAccount(password: string, iterations: number): string {
  const salt = randomBytes(12).toString('hex');
  const salted = pbkdf2Sync(password, salt, iterations, 20, 'sha1');
  const storedKey = createHash('sha1').update(createHmac('sha1', salted).update('Client Key').digest()).digest('hex');
  const serverKey = createHmac('sha1', salted).update('Server Key').digest('hex');
  return `return {\n\t["iteration_count"] = ${iterations};\n\t["salt"] = ${luaString(salt)};\n\t["stored_key"] = ${luaString(storedKey)};\n\t["server_key"] = ${luaString(serverKey)};\n};\n`;
}

export function provisionProsody(dir: string, domain: string, sessions: number, contactsOf: (i: number) => number[], account: (i: number) => { username: string; password: string }): void {
  const host = path.join(dir, 'data', domain.replace(/\./g, '%2e'));
  fs.mkdirSync(path.join(host, 'accounts'), { recursive: true });
  fs.mkdirSync(path.join(host, 'roster'), { recursive: true });
  for (let i = 0; i < sessions; i++) {
    const { username, password } = account(i);
    fs.writeFileSync(path.join(host, 'accounts', `${username}.dat`), hashedAccount(password, 4096));
    const items = contactsOf(i)
      .map((j) => `\t[${luaString(`${account(j).username}@${domain}`)}] = { ["subscription"] = "both"; ["groups"] = {}; };`)
      .join('\n');
    fs.writeFileSync(path.join(host, 'roster', `${username}.dat`), `return {\n\t[false] = { ["version"] = 1; ["pending"] = {}; };\n${items}\n};\n`);
  }
}

export interface ProsodyOptions {
  /**
   * Serves multi-user chat at conference.<domain> (Prosody's own mod_muc): temporary rooms,
   * history of 20 messages kept in memory, no occupant limit, as our defaults for a temporary room.
   */
  muc?: boolean;
}

export async function startProsody(dir: string, domain: string, port: number, options: ProsodyOptions = {}): Promise<ServerProcess> {
  const config = path.join(dir, 'prosody.cfg.lua');
  fs.writeFileSync(
    config,
    [
      `pidfile = ${luaString(path.join(dir, 'prosody.pid'))}`,
      `data_path = ${luaString(path.join(dir, 'data'))}`,
      `plugin_paths = {}`,
      `modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "offline" }`,
      `modules_disabled = { "s2s"; "posix" }`,
      `c2s_ports = { ${port} }`,
      `c2s_interfaces = { "127.0.0.1" }`,
      `s2s_ports = {}`,
      `c2s_require_encryption = false`,
      `allow_unencrypted_plain_auth = true`,
      `authentication = "internal_hashed"`,
      `storage = "internal"`,
      `log = { warn = ${luaString(path.join(dir, 'prosody.log'))} }`,
      `VirtualHost ${luaString(domain)}`,
      ...(options.muc ? [`Component ${luaString(`conference.${domain}`)} "muc"`, `  muc_room_default_history_length = 20`, `  muc_room_default_persistent = false`] : []),
      '',
    ].join('\n'),
  );
  const child = spawn(PROSODY_BINARY, ['--config', config, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  const net = await import('node:net');
  const deadline = Date.now() + 20000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`prosody did not start; see ${path.join(dir, 'prosody.log')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return processStats(child);
}
