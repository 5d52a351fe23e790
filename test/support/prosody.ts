/**
 * Private Prosody servers (Debian's package) for tests and benchmarks: a generated config in a
 * folder of the caller's, accounts written straight into Prosody's data folder, its own ports,
 * and, for federation, a small Prosody module that dials fixed addresses for listed domains
 * instead of asking DNS (see docs/federation.md). An installed Prosody system service, its
 * config and its default ports are never used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pbkdf2Sync, createHmac, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PROSODY } from './test-tools';

export { freePort } from '../bench/server-process';

function luaString(value: string): string {
  return JSON.stringify(value);
}

/** A Lua value for config options: strings, numbers, booleans, lists and tables. */
export function luaValue(value: unknown): string {
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{ ${value.map(luaValue).join('; ')} }`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `[${luaString(k)}] = ${luaValue(v)}`).join('; ')} }`;
  throw new Error(`no Lua value for ${String(value)}`);
}

/** Prosody's data folder for a host: dots are escaped as %2e. */
function hostDataDir(dir: string, domain: string): string {
  return path.join(dir, 'data', domain.replace(/\./g, '%2e'));
}

function hashedAccount(password: string, iterations: number): string {
  const salt = randomBytes(12).toString('hex');
  const salted = pbkdf2Sync(password, salt, iterations, 20, 'sha1');
  const storedKey = createHash('sha1').update(createHmac('sha1', salted).update('Client Key').digest()).digest('hex');
  const serverKey = createHmac('sha1', salted).update('Server Key').digest('hex');
  return `return {\n\t["iteration_count"] = ${iterations};\n\t["salt"] = ${luaString(salt)};\n\t["stored_key"] = ${luaString(storedKey)};\n\t["server_key"] = ${luaString(serverKey)};\n};\n`;
}

/** An account with a SCRAM-SHA-1 hashed password, as mod_auth_internal_hashed keeps it. */
export function writeProsodyAccount(dir: string, domain: string, username: string, password: string, iterations = 4096): void {
  const accounts = path.join(hostDataDir(dir, domain), 'accounts');
  fs.mkdirSync(accounts, { recursive: true });
  fs.writeFileSync(path.join(accounts, `${username}.dat`), hashedAccount(password, iterations));
}

/** Accounts and mutual rosters (subscription both) of one domain, as Prosody stores them. */
export function provisionProsody(dir: string, domain: string, sessions: number, contactsOf: (i: number) => number[], account: (i: number) => { username: string; password: string }): void {
  const roster = path.join(hostDataDir(dir, domain), 'roster');
  fs.mkdirSync(roster, { recursive: true });
  for (let i = 0; i < sessions; i++) {
    const { username, password } = account(i);
    writeProsodyAccount(dir, domain, username, password);
    const items = contactsOf(i)
      .map((j) => `\t[${luaString(`${account(j).username}@${domain}`)}] = { ["subscription"] = "both"; ["groups"] = {}; };`)
      .join('\n');
    fs.writeFileSync(path.join(roster, `${username}.dat`), `return {\n\t[false] = { ["version"] = 1; ["pending"] = {}; };\n${items}\n};\n`);
  }
}

/**
 * mod_s2s in Prosody 0.12 finds remote servers only through DNS (SRV, then A/AAAA on 5269).
 * This module answers that lookup from `s2s_static_routes = { ["domain"] = { host = ..., port = ... } }`
 * for the listed domains (an IP address is dialed as is, no DNS), and says "no direct TLS
 * service" for them; every other domain is resolved as usual. It wraps the resolver constructor
 * mod_s2s calls for each new outgoing connection, and restores it when unloaded.
 */
const STATIC_ROUTES_MODULE = `-- Fixed addresses for listed remote domains instead of DNS (test and private networks).
local basic = require "net.resolvers.basic";
local service = require "net.resolvers.service";
local routes = module:get_option("s2s_static_routes", {});
local original_new = service.new;
local nothing = { next = function (_, cb) cb(nil); end };

service.new = function (hostname, service_name, protocol, extra)
	local route = routes[hostname];
	if not route then return original_new(hostname, service_name, protocol, extra); end
	if service_name ~= "xmpp-server" then return setmetatable({}, { __index = nothing }); end
	module:log("debug", "static route for %s: %s:%d", hostname, route.host, route.port);
	return basic.new(route.host, route.port, protocol, extra);
end

function module.unload()
	service.new = original_new;
end
`;

export interface ProsodyOptions {
  /** The folder Prosody keeps everything in (config, data, log, pid); the caller removes it. */
  dir: string;
  domain: string;
  c2sPort: number;
  /** Listens for servers on this loopback port when set (federation). */
  s2sPort?: number;
  /** Remote domains Prosody dials at a fixed address (needs s2sPort). */
  s2sRoutes?: Record<string, { host: string; port: number }>;
  /** PEM files Prosody presents for its domain (STARTTLS on c2s and s2s). */
  certificate?: { certFile: string; keyFile: string; caFile?: string };
  /** Modules besides the core ones Prosody always loads (roster, presence, message, iq...). */
  modules?: string[];
  /** More global options, e.g. `{ s2s_secure_auth: true }`. */
  options?: Record<string, unknown>;
  /** Log level written to prosody.log in `dir` (default warn). */
  logLevel?: 'debug' | 'info' | 'warn';
  /** Components after the VirtualHost, e.g. `{ domain: 'conference.b.localhost', module: 'muc', options: {...} }`. */
  components?: Array<{ domain: string; module: string; options?: Record<string, unknown> }>;
}

export interface PrivateProsody {
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and resolves once it exited. */
  stop(): Promise<void>;
}

/** Writes the config (and the static-routes module when routes are given). Returns the config file. */
export function writeProsodyConfig(options: ProsodyOptions): string {
  const { dir } = options;
  const pluginDir = path.join(dir, 'plugins');
  fs.mkdirSync(pluginDir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const federated = options.s2sPort !== undefined;
  const modules = [...(options.modules ?? ['roster', 'saslauth', 'disco', 'ping', 'offline'])];
  if (federated) {
    modules.push('tls', 'dialback');
    if (options.s2sRoutes) {
      fs.writeFileSync(path.join(pluginDir, 'mod_s2s_static_routes.lua'), STATIC_ROUTES_MODULE);
      modules.push('s2s_static_routes');
    }
  }
  const lines = [
    `pidfile = ${luaString(path.join(dir, 'prosody.pid'))}`,
    `data_path = ${luaString(path.join(dir, 'data'))}`,
    `plugin_paths = { ${luaString(pluginDir)} }`,
    `modules_enabled = ${luaValue(modules)}`,
    `modules_disabled = ${luaValue(federated ? ['posix'] : ['s2s', 'posix'])}`,
    `c2s_ports = { ${options.c2sPort} }`,
    `c2s_interfaces = { "127.0.0.1" }`,
    `s2s_ports = { ${federated ? options.s2sPort : ''} }`,
    `s2s_interfaces = { "127.0.0.1" }`,
    // No other listener may open: direct TLS ports for c2s and s2s are empty.
    `c2s_direct_tls_ports = {}`,
    `s2s_direct_tls_ports = {}`,
    `c2s_require_encryption = false`,
    `allow_unencrypted_plain_auth = true`,
    `authentication = "internal_hashed"`,
    `storage = "internal"`,
    `log = { ${options.logLevel ?? 'warn'} = ${luaString(path.join(dir, 'prosody.log'))} }`,
  ];
  if (options.certificate) {
    const ssl: Record<string, string> = { certificate: options.certificate.certFile, key: options.certificate.keyFile };
    if (options.certificate.caFile) ssl.cafile = options.certificate.caFile;
    lines.push(`ssl = ${luaValue(ssl)}`);
  }
  if (options.s2sRoutes) lines.push(`s2s_static_routes = ${luaValue(options.s2sRoutes)}`);
  for (const [key, value] of Object.entries(options.options ?? {})) lines.push(`${key} = ${luaValue(value)}`);
  lines.push(`VirtualHost ${luaString(options.domain)}`);
  for (const component of options.components ?? []) {
    lines.push(`Component ${luaString(component.domain)} ${luaString(component.module)}`);
    for (const [key, value] of Object.entries(component.options ?? {})) lines.push(`  ${key} = ${luaValue(value)}`);
  }
  lines.push('');
  const file = path.join(dir, 'prosody.cfg.lua');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts Prosody in the foreground on the written config and resolves once its listeners answer. */
export async function startProsody(options: ProsodyOptions): Promise<PrivateProsody> {
  const config = writeProsodyConfig(options);
  const logFile = path.join(options.dir, 'prosody.log');
  const child = spawn(PROSODY, ['--config', config, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  const ports = [options.c2sPort, ...(options.s2sPort !== undefined ? [options.s2sPort] : [])];
  const deadline = Date.now() + 20000;
  for (const port of ports) {
    while (!(await portAnswers(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`prosody did not start on port ${port}; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { child, logFile, stop };
}
