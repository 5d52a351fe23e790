/**
 * `plugin list|enable|disable|install`: plugin management through the admin API of the running
 * server, so changes apply at once on every node and are stored for the next start.
 */
import path from 'node:path';
import type { ServerConfig } from '../../config';
import { readAdminToken } from '../../admin/admin-token';
import { isPathSource } from '../../plugins/plugin-loader';
import type { PluginInfo } from '../../plugins/types';
import type { Command, CommandGroup, CommandInput, OptionSpec } from '../../command/command';
import { CliError } from '../../command/command';

export const URL_OPTION: Record<string, OptionSpec> = {
  url: { type: 'string', valueName: '<url>', description: 'admin API address (default: from listeners.admin in the config)' },
};

function adminUrl(input: CommandInput, config: ServerConfig): string {
  const given = input.options.url;
  if (typeof given === 'string') return given.replace(/\/$/, '');
  const admin = config.listeners.admin;
  if (!admin) throw new CliError('failed', 'the admin API is off (listeners.admin is false); plugin commands need it, or pass --url');
  const host = admin.host === '0.0.0.0' || admin.host === '::' ? '127.0.0.1' : admin.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${admin.port}`;
}

/** Calls the admin API; its error message (which names the field) becomes the CLI's message. */
export async function callAdmin(input: CommandInput, method: string, route: string, body?: unknown): Promise<unknown> {
  const config = input.loadConfig();
  const base = adminUrl(input, config);
  const token = readAdminToken(config.dataDir, input.io.env);
  if (!token) throw new CliError('failed', `no admin token: set AIM_ADMIN_TOKEN or start the server once to create ${path.join(config.dataDir, 'admin-token')}`);
  let response: Response;
  try {
    response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError('failed', `cannot reach the admin API at ${base}; is the server running?`);
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { error?: { message?: string } }) : undefined;
  if (!response.ok) throw new CliError('failed', parsed?.error?.message ?? `the admin API answered ${response.status}`);
  return parsed;
}

export function describe(plugin: PluginInfo): string {
  const version = plugin.version ? ` ${plugin.version}` : '';
  const error = plugin.error ? `  (${plugin.error})` : '';
  return `${plugin.name}${version}\t${plugin.enabled ? 'enabled' : 'disabled'}\t${plugin.state}${error}`;
}

export function reportChange(input: CommandInput, change: unknown): number {
  const { plugin, nodes } = change as { plugin: PluginInfo; nodes: Array<{ nodeId: string; ok: boolean; error?: string | null }> };
  input.io.stdout.write(`${describe(plugin)}\n`);
  const failed = nodes.filter((node) => !node.ok);
  for (const node of failed) input.io.stderr.write(`node ${node.nodeId}: ${node.error ?? 'failed'}\n`);
  return failed.length > 0 ? 1 : 0;
}

const NAME = [{ name: 'name' }] as const;

const list: Command = {
  name: 'list',
  summary: 'list plugins: name, version, enabled or disabled, state (and why it failed)',
  options: URL_OPTION,
  async run(input) {
    const { plugins } = (await callAdmin(input, 'GET', '/api/plugins')) as { plugins: PluginInfo[] };
    input.io.stdout.write(plugins.map((plugin) => `${describe(plugin)}\n`).join(''));
  },
};

const enable: Command = {
  name: 'enable',
  summary: 'start a plugin on every node and keep it enabled across restarts',
  args: NAME,
  options: URL_OPTION,
  run: async (input) => reportChange(input, await callAdmin(input, 'POST', `/api/plugins/${encodeURIComponent(input.args.name)}/enable`)),
};

const disable: Command = {
  name: 'disable',
  summary: 'stop a plugin on every node and keep it disabled across restarts',
  args: NAME,
  options: URL_OPTION,
  run: async (input) => reportChange(input, await callAdmin(input, 'POST', `/api/plugins/${encodeURIComponent(input.args.name)}/disable`)),
};

const install: Command = {
  name: 'install',
  summary: 'register a plugin from a folder or an installed npm package, and start it',
  args: [{ name: 'source' }],
  options: {
    ...URL_OPTION,
    'plugin-config': { type: 'string', valueName: '<json>', description: 'the plugin config as a JSON object (default {})' },
    disabled: { type: 'boolean', description: 'register it without starting it' },
  },
  details: 'A folder path is sent as an absolute path; every node must be able to load it.\nExample: asterisk-im plugin install ./plugins/motd --config \'{"text":"Welcome"}\'',
  async run(input) {
    const source = isPathSource(input.args.source) ? path.resolve(input.args.source) : input.args.source;
    let config: unknown;
    if (typeof input.options['plugin-config'] === 'string') {
      try {
        config = JSON.parse(input.options['plugin-config']);
      } catch (error) {
        throw new CliError('usage', `--plugin-config is not valid JSON: ${(error as Error).message}`);
      }
    }
    return reportChange(input, await callAdmin(input, 'POST', '/api/plugins/install', { source, config, enabled: input.options.disabled !== true }));
  },
};

export const pluginCommands: CommandGroup = {
  name: 'plugin',
  summary: 'Manage plugins through the admin API of the running server (see docs/plugins.md).',
  commands: [list, enable, disable, install],
};
