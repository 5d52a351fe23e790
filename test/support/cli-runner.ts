/** Runs the CLI in process (e.g. against a test server's admin API) and captures what it prints. */
import { PassThrough, Writable } from 'node:stream';
import { COMMANDS } from '../../server-core/src/cli/commands';
import { runCli } from '../../server-core/src/cli/run-cli';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(args: string[], env: NodeJS.ProcessEnv): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const code = await runCli(args, COMMANDS, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stdin: new PassThrough(),
    env,
  });
  return { code, stdout, stderr };
}
