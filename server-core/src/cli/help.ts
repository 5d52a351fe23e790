import type { Command, CommandEntry, CommandGroup, OptionSpec } from '../command/command';
import { isGroup } from '../command/command';

export const PROGRAM = 'asterisk-im';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', valueName: '<file>', description: 'config file (default: $AIM_CONFIG, else built-in defaults)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export function programHelp(entries: readonly CommandEntry[]): string {
  const lines = entries.flatMap((entry) =>
    isGroup(entry) ? entry.commands.map((command) => row(`${entry.name} ${command.name}`, command.summary)) : [row(entry.name, entry.summary)],
  );
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    `Run '${PROGRAM} <command> --help' for the options of one command.`,
    '',
  ].join('\n');
}

export function groupHelp(group: CommandGroup): string {
  return [
    `Usage: ${PROGRAM} ${group.name} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...group.commands.map((command) => row(command.name, command.summary)),
    '',
  ].join('\n');
}

export function commandHelp(words: string, command: Command): string {
  const args = (command.args ?? []).map((arg) => (arg.choices ? arg.choices.join('|') : `<${arg.name}>`)).join(' ');
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  return [
    `Usage: ${PROGRAM} ${words}${args ? ` ${args}` : ''} [options]`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...Object.entries(options).map(([name, spec]) => row(optionLabel(name, spec), spec.description)),
    '',
  ].join('\n');
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  return `${short}--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
}

function row(left: string, right: string): string {
  return `  ${left.padEnd(26)} ${right}`;
}
