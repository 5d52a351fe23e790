/** The `asterisk-im` command line: `tsx server-core/src/cli/main.ts <command> [options]`. */
import { cliCommands } from './plugin-commands';
import { runCli } from './run-cli';

const argv = process.argv.slice(2);
const commands = cliCommands(argv, process.env, (warning) => process.stderr.write(`${warning}\n`));
runCli(argv, commands, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
