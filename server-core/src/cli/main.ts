/** The `asterisk-im` command line: `tsx server-core/src/cli/main.ts <command> [options]`. */
import { COMMANDS } from './commands';
import { runCli } from './run-cli';

runCli(process.argv.slice(2), COMMANDS, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
