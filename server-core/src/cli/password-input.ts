/**
 * Where a new password comes from: `--password`, a hidden prompt (asked twice) when stdin is a
 * terminal, or the first line of stdin when it is piped (`echo secret | asterisk-im user add bob`).
 * The password is never echoed, printed or logged.
 */
import type { CliIo } from '../command/command';
import { CliError } from '../command/command';

export async function readNewPassword(io: CliIo, given: string | boolean | undefined): Promise<string> {
  if (typeof given === 'string') return requireNonEmpty(given);
  if (!io.stdin.isTTY || !io.stdin.setRawMode) return requireNonEmpty(await readFirstLine(io));
  const first = await promptHidden(io, 'New password: ');
  const again = await promptHidden(io, 'Repeat password: ');
  if (first !== again) throw new CliError('failed', 'the two passwords differ; nothing was changed');
  return requireNonEmpty(first);
}

function requireNonEmpty(password: string): string {
  if (password.length === 0) throw new CliError('failed', 'the password is empty; give one with --password, on stdin, or at the prompt');
  return password;
}

function readFirstLine(io: CliIo): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = () => {
      io.stdin.off('data', onData);
      io.stdin.off('end', finish);
      io.stdin.off('error', onError);
      io.stdin.pause();
      resolve(text.split('\n')[0].replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    const onError = (error: Error) => reject(new CliError('failed', `cannot read the password from stdin: ${error.message}`));
    io.stdin.on('data', onData);
    io.stdin.once('end', finish);
    io.stdin.once('error', onError);
    io.stdin.resume();
  });
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  stdin.setRawMode!(true);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(() => resolve(typed));
        if (char === '\u0003') return done(() => reject(new CliError('failed', 'cancelled; nothing was changed')));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
