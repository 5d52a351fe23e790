/**
 * Runs the `asterisk-im` command line in the test process, with the commands `main.ts` offers
 * (the server's and the plugins'), capturing what it prints.
 */
import { PassThrough, Writable } from 'node:stream';
import { cliCommands } from '../../server-core/src/cli/plugin-commands';
import { runCli } from '../../server-core/src/cli/run-cli';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const commands = cliCommands(args, env, (warning) => (stderr += `${warning}\n`));
  const code = await runCli(args, commands, { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)), stdin: new PassThrough(), env });
  return { code, stdout, stderr };
}
