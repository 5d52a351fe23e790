/**
 * What a CLI command is. Commands are plain values collected in `commands/index.ts`, so adding
 * one (such as `plugin list`) is one new file plus one line in that registry.
 */
import type { Readable, Writable } from 'node:stream';
import type { ServerConfig } from '../config';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in help, e.g. `--password <password>`. */
  valueName?: string;
  description: string;
}

export interface ArgumentSpec {
  name: string;
  /** Allowed values, checked before the command runs. */
  choices?: readonly string[];
}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  env: NodeJS.ProcessEnv;
}

export interface CommandInput {
  /** Positional arguments by their spec name. */
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
  io: CliIo;
  /** Loads the config named by --config or AIM_CONFIG (defaults when neither). */
  loadConfig(): ServerConfig;
}

export interface Command {
  name: string;
  summary: string;
  args?: readonly ArgumentSpec[];
  options?: Record<string, OptionSpec>;
  /** Extra help text: what happens, with an example. */
  details?: string;
  /** Resolves with the exit code (0 when nothing is returned). */
  run(input: CommandInput): Promise<number | void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: readonly Command[];
}

export type CommandEntry = Command | CommandGroup;

export function isGroup(entry: CommandEntry): entry is CommandGroup {
  return 'commands' in entry;
}

export type CliErrorKind = 'usage' | 'failed';

/** A user-facing failure: 'usage' exits with 2 (bad command line), 'failed' with 1. */
export class CliError extends Error {
  constructor(
    readonly kind: CliErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
