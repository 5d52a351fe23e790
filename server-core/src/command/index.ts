/** The command model shared by the CLI and the commands plugins add: specs, parsed input, errors. */
export { CliError, isGroup } from './command';
export type { OptionSpec, ArgumentSpec, CliIo, CommandInput, Command, CommandGroup, CommandEntry, CliErrorKind } from './command';
