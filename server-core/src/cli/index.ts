/** The command line: a registry of commands and the runner that dispatches to them. */
export { runCli } from './run-cli';
export { COMMANDS } from './commands';
export { cliCommands, pluginCommandEntries } from './plugin-commands';
export { CliError, isGroup } from '../command/command';
export type { Command, CommandGroup, CommandEntry, CommandInput, CliIo, OptionSpec, ArgumentSpec } from '../command/command';
