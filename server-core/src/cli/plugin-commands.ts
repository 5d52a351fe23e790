/**
 * Collects the commands plugins add (see plugins/plugin-cli.ts): from every bundled plugin and
 * every plugin the config file lists, each through the entry module its package.json names.
 * A plugin whose commands cannot be loaded costs a warning, never the server's own commands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { bundledPluginFolder, bundledPluginNames } from '../plugins/bundled-plugins';
import { isPathSource } from '../plugins/plugin-loader';
import { PLUGIN_CLI_FIELD, type PluginCli, type PluginCommand, type PluginCommandGroup } from '../plugins/plugin-cli';
import type { Command, CommandEntry } from '../command/command';
import { COMMANDS } from './commands';
import { callAdmin, URL_OPTION } from './commands/plugin';

/** The folder holding a plugin's package.json, or undefined when it cannot be found. */
function packageFolder(source: string, baseDir: string): string | undefined {
  if (isPathSource(source)) return path.resolve(baseDir, source);
  const bundled = bundledPluginFolder(source);
  if (bundled) return bundled;
  try {
    return path.dirname(require.resolve(`${source}/package.json`, { paths: [baseDir, process.cwd()] }));
  } catch {
    return undefined;
  }
}

/** The plugin's command-line entry module, when its package.json names one. */
function cliModule(folder: string): string | undefined {
  const manifest = path.join(folder, 'package.json');
  if (!fs.existsSync(manifest)) return undefined;
  const field = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, unknown>)[PLUGIN_CLI_FIELD] as { cli?: unknown } | undefined;
  if (field?.cli === undefined) return undefined;
  if (typeof field.cli !== 'string') throw new Error(`"${PLUGIN_CLI_FIELD}.cli" in ${manifest} must be a path`);
  return path.resolve(folder, field.cli);
}

function loadCli(file: string): PluginCli {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(file) as { default?: unknown; cli?: unknown };
  const cli = [exported.default, exported.cli, exported].find(
    (candidate): candidate is PluginCli => !!candidate && typeof candidate === 'object' && Array.isArray((candidate as PluginCli).commands),
  );
  if (!cli || typeof cli.plugin !== 'string' || cli.plugin === '') throw new Error(`${file} does not export a command-line definition ({ plugin, commands })`);
  return cli;
}

/** A plugin command as the runner sees it: `--url` added, and `admin()` bound to the plugin's routes. */
function toCommand(plugin: string, command: PluginCommand): Command {
  return {
    ...command,
    options: { ...URL_OPTION, ...command.options },
    run: (input) => command.run({ ...input, admin: (method, route, body) => callAdmin(input, method, `/api/plugins/${plugin}${route}`, body) }),
  };
}

function toEntry(plugin: string, entry: PluginCommand | PluginCommandGroup): CommandEntry {
  if ('commands' in entry) return { name: entry.name, summary: entry.summary, commands: entry.commands.map((command) => toCommand(plugin, command)) };
  return toCommand(plugin, entry);
}

export interface PluginCommandOptions {
  /** Plugin sources: bundled names, folder paths or npm package names. */
  sources: readonly string[];
  /** Where relative folder paths are resolved from. */
  baseDir: string;
  /** Names already taken (the server's own commands). */
  taken: ReadonlySet<string>;
  warn(message: string): void;
}

/** Every command the given plugins add, in source order; the first plugin to take a name keeps it. */
export function pluginCommandEntries(options: PluginCommandOptions): CommandEntry[] {
  const taken = new Set(options.taken);
  const seen = new Set<string>();
  const entries: CommandEntry[] = [];
  for (const source of options.sources) {
    let cli: PluginCli;
    try {
      const folder = packageFolder(source, options.baseDir);
      const file = folder && cliModule(folder);
      if (!file || seen.has(file)) continue;
      seen.add(file);
      cli = loadCli(file);
    } catch (err) {
      options.warn(`warning: the commands of plugin ${source} are not available: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      continue;
    }
    for (const entry of cli.commands) {
      if (taken.has(entry.name)) {
        options.warn(`warning: plugin ${cli.plugin}'s command '${entry.name}' is ignored: the name is taken`);
        continue;
      }
      taken.add(entry.name);
      entries.push(toEntry(cli.plugin, entry));
    }
  }
  return entries;
}

/** The value of `--config <file>` / `--config=<file>` on a command line. */
function configArgument(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--config');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--config='))?.slice('--config='.length);
}

/**
 * The sources whose commands the command line offers: the bundled plugins, then those the
 * config file lists. A config that does not load adds none; the command that loads it reports why.
 */
export function pluginCommandSources(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const sources = bundledPluginNames();
  try {
    const config = loadConfig({ file: configArgument(argv), env });
    for (const plugin of config.plugins) sources.push(plugin.path ?? plugin.name);
  } catch {
    // Reported by the command itself, with the key at fault.
  }
  return sources;
}

/** The server's commands, then those of the plugins (bundled and configured) for this command line. */
export function cliCommands(argv: readonly string[], env: NodeJS.ProcessEnv, warn: (message: string) => void): CommandEntry[] {
  const taken = new Set(COMMANDS.map((entry) => entry.name));
  return [...COMMANDS, ...pluginCommandEntries({ sources: pluginCommandSources(argv, env), baseDir: process.cwd(), taken, warn })];
}
