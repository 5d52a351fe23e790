/**
 * Finds the command named on the command line, checks its options and arguments, runs it, and
 * turns failures into one-line messages and exit codes: 0 ok, 1 failed, 2 bad command line.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import type { Command, CommandEntry, CliIo } from '../command/command';
import { CliError, isGroup } from '../command/command';
import { describeFailure } from './describe-failure';
import { commandHelp, GLOBAL_OPTIONS, groupHelp, PROGRAM, programHelp } from './help';

export async function runCli(argv: readonly string[], entries: readonly CommandEntry[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, entries, io);
  } catch (error) {
    if (error instanceof CliError && error.kind === 'usage') {
      io.stderr.write(`${PROGRAM}: ${error.message}\n`);
      return 2;
    }
    for (const line of describeFailure(error, io.env)) io.stderr.write(`${line}\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], entries: readonly CommandEntry[], io: CliIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(programHelp(entries));
    return first === undefined ? 2 : 0;
  }
  const entry = entries.find((candidate) => candidate.name === first);
  if (!entry) throw new CliError('usage', `unknown command '${first}'. Run '${PROGRAM} --help' to see the commands.`);
  if (!isGroup(entry)) return runCommand(entry, entry.name, argv.slice(1), io);

  if (second === undefined || second === '--help' || second === '-h') {
    io.stdout.write(groupHelp(entry));
    return second === undefined ? 2 : 0;
  }
  const command = entry.commands.find((candidate) => candidate.name === second);
  if (!command) {
    const known = entry.commands.map((candidate) => candidate.name).join(', ');
    throw new CliError('usage', `unknown command '${first} ${second}' (known: ${known}). Run '${PROGRAM} ${first} --help'.`);
  }
  return runCommand(command, `${entry.name} ${command.name}`, argv.slice(2), io);
}

async function runCommand(command: Command, words: string, argv: readonly string[], io: CliIo): Promise<number> {
  const specs = { ...command.options, ...GLOBAL_OPTIONS };
  const parsed = parseCommandLine(words, argv, specs);
  if (parsed.values.help) {
    io.stdout.write(commandHelp(words, command));
    return 0;
  }
  const args = matchArguments(words, command, parsed.positionals);
  const configFile = parsed.values.config as string | undefined;
  const result = await command.run({
    args,
    options: parsed.values,
    io,
    loadConfig: () => loadConfig({ file: configFile, env: io.env }),
  });
  return result ?? 0;
}

function parseCommandLine(words: string, argv: readonly string[], specs: Record<string, { type: 'string' | 'boolean'; short?: string }>) {
  const options = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]));
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs messages are sentences about the option; keep them, add where to look.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliError('usage', `${message}. Run '${PROGRAM} ${words} --help'.`);
  }
}

function matchArguments(words: string, command: Command, positionals: string[]): Record<string, string> {
  const specs = command.args ?? [];
  const help = `Run '${PROGRAM} ${words} --help'.`;
  if (positionals.length > specs.length) {
    throw new CliError('usage', `unexpected argument '${positionals[specs.length]}'. ${help}`);
  }
  const args: Record<string, string> = {};
  specs.forEach((spec, index) => {
    const value = positionals[index];
    if (value === undefined) throw new CliError('usage', `missing <${spec.name}>. ${help}`);
    if (spec.choices && !spec.choices.includes(value)) {
      throw new CliError('usage', `<${spec.name}> must be ${spec.choices.join(' or ')}, got '${value}'. ${help}`);
    }
    args[spec.name] = value;
  });
  return args;
}
