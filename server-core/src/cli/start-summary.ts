/**
 * The block `start` prints once the server is up: the stable lines scripts read (one
 * `<listener> listening on <host>:<port>` per listener and a final `ready`), then, for a person,
 * how clients connect, whether that is from other machines too, and the console and setup links.
 */
import type { ServerConfig } from '../config';

interface Address {
  host: string;
  port: number;
}

export interface RunningSummary {
  addresses: Record<string, Address>;
  domain: string;
  /** Names of the plugins running on this node. */
  runningPlugins?: readonly string[];
  /** Names of the bundled plugins, to say which are off and how to turn them on. */
  bundledPlugins?: readonly string[];
  setup?: { url: string; token: string };
  adminTokenFile?: string;
}

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '']);
const CLIENT_LISTENERS = ['c2s', 'c2sDirectTls', 'websocket'] as const;

function hostForUrl(host: string): string {
  const reachable = ALL_INTERFACES.has(host) ? '127.0.0.1' : host;
  return reachable.includes(':') ? `[${reachable}]` : reachable;
}

function clientLines(server: RunningSummary, config: ServerConfig): string[] {
  const ways: string[] = [];
  const { c2s, c2sDirectTls, websocket } = server.addresses;
  if (c2s) ways.push(`port ${c2s.port} (${config.listeners.c2s && config.listeners.c2s.requireTls ? 'STARTTLS' : 'STARTTLS optional'})`);
  if (c2sDirectTls) ways.push(`port ${c2sDirectTls.port} (direct TLS)`);
  if (websocket && config.listeners.websocket) {
    ways.push(`${config.listeners.websocket.tls ? 'wss' : 'ws'}://${hostForUrl(websocket.host)}:${websocket.port}${config.listeners.websocket.path}`);
  }
  if (ways.length === 0) return ['Clients: every client listener is off'];
  const lines = [`Clients log in as <user>@${server.domain} on ${ways.join(', ')}`];
  const open = CLIENT_LISTENERS.filter((name) => server.addresses[name] && ALL_INTERFACES.has(server.addresses[name].host));
  if (open.length > 0) {
    lines.push(`  ${open.join(', ')} bind all interfaces: other machines can connect (set listeners.<name>.host to "127.0.0.1" to keep them local)`);
  }
  return lines;
}

function adminLines(server: RunningSummary): string[] {
  const admin = server.addresses.admin;
  if (!admin) return ['Admin console: off (listeners.admin is false)'];
  const base = `http://${hostForUrl(admin.host)}:${admin.port}`;
  const lines = [`Admin console: ${base}/${ALL_INTERFACES.has(admin.host) ? ' (bound to all interfaces)' : ''}`];
  if (server.setup) lines.push(`  no administrator yet: open ${server.setup.url} and enter the one-time setup token ${server.setup.token}`);
  if (server.adminTokenFile) lines.push(`  admin API token (for the plugin commands): ${server.adminTokenFile}`);
  return lines;
}

function pluginLine(server: RunningSummary): string[] {
  const running = server.runningPlugins ?? [];
  const off = (server.bundledPlugins ?? []).filter((name) => !running.includes(name));
  const parts = [`running: ${running.length > 0 ? running.join(', ') : 'none'}`];
  if (off.length > 0) parts.push(`bundled but off: ${off.join(', ')} (turn one on with: asterisk-im plugin enable <name>)`);
  return [`Plugins ${parts.join('; ')}`];
}

export function describeRunningServer(server: RunningSummary, config: ServerConfig, warnings: readonly string[] = []): string {
  const listeners = Object.entries(server.addresses).map(([name, address]) => {
    const path = name === 'websocket' && config.listeners.websocket ? ` (path ${config.listeners.websocket.path})` : '';
    return `  ${name} listening on ${address.host}:${address.port}${path}`;
  });
  return [
    `Asterisk-IM is serving domain ${server.domain}`,
    ...listeners,
    `  data folder ${config.dataDir}`,
    ...clientLines(server, config),
    ...adminLines(server),
    ...pluginLine(server),
    ...warnings.map((warning) => `warning: ${warning}`),
    'ready (stop with Ctrl+C or SIGTERM)',
    '',
  ].join('\n');
}
