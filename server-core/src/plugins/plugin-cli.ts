/**
 * Commands a plugin adds to the `asterisk-im` command line. The command line runs without a
 * server, so a plugin's commands cannot be registered from `start(ctx)`: they live in a
 * separate entry module that the plugin's package.json names (`"asteriskIm": { "cli": "..." }`),
 * loaded by the CLI for every bundled plugin and every plugin the config file lists. The module
 * stays small (no server code is loaded to print help), and a plugin's commands reach the
 * running server through its own admin routes. See docs/plugins.md, "Command-line commands".
 */
import type { ArgumentSpec, CommandInput, OptionSpec } from '../command/command';
import type { HttpMethod } from './types';

export interface PluginCommandInput extends CommandInput {
  /**
   * Calls one of this plugin's admin routes on the running server (`route` below
   * `/api/plugins/<name>`), with the admin token and address the CLI uses, or `--url`. The
   * answer's JSON is returned; an error answer fails the command with the server's message.
   */
  admin(method: HttpMethod, route: string, body?: unknown): Promise<unknown>;
}

export interface PluginCommand {
  name: string;
  summary: string;
  args?: readonly ArgumentSpec[];
  /** `--url` (the admin API address) and `--config` are added to every plugin command. */
  options?: Record<string, OptionSpec>;
  details?: string;
  /** Resolves with the exit code (0 when nothing is returned). Throw CliError for one-line failures. */
  run(input: PluginCommandInput): Promise<number | void>;
}

/** `asterisk-im <group> <command>`; a group's name must not be one of the server's commands. */
export interface PluginCommandGroup {
  name: string;
  summary: string;
  commands: readonly PluginCommand[];
}

export interface PluginCli {
  /** The plugin's name, which its admin routes are mounted under. */
  plugin: string;
  commands: ReadonlyArray<PluginCommand | PluginCommandGroup>;
}

/** The package.json field naming the plugin's command-line entry module. */
export const PLUGIN_CLI_FIELD = 'asteriskIm';

/** Only for typing, like definePlugin. Export the result as `default` or as `cli`. */
export function definePluginCli(cli: PluginCli): PluginCli {
  return cli;
}
