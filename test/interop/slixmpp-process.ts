/**
 * A slixmpp script of this folder run as a process the test talks to line by line: JSON
 * commands on its stdin, JSON events (`{"event": ...}`) on its stdout, which the test waits for.
 * Other lines on stdout (slixmpp prints some) are ignored; stderr is kept for failure messages.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';

export interface SlixEvent {
  event: string;
  [field: string]: unknown;
}

export class SlixmppProcess {
  readonly events: SlixEvent[] = [];
  private readonly process: ChildProcessWithoutNullStreams;
  private stderr = '';
  private waiters: Array<() => void> = [];
  private exited = false;

  constructor(script: string, args: string[]) {
    this.process = spawn(PYTHON, [path.join(__dirname, script), ...args]);
    let buffered = '';
    this.process.stdout.setEncoding('utf8');
    this.process.stdout.on('data', (text: string) => {
      buffered += text;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as SlixEvent);
      }
      this.wake();
    });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A script that ended by itself reads no more commands: writing to it then is no error.
    this.process.stdin.on('error', () => undefined);
    this.process.on('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  command(cmd: string, fields: Record<string, unknown> = {}): void {
    this.process.stdin.write(`${JSON.stringify({ cmd, ...fields })}\n`);
  }

  /** Resolves with the first event (past or future) named `name` that passes `match`, after the `after`-th event. */
  async waitFor(name: string, match: (event: SlixEvent) => boolean = () => true, timeoutMs = 10000, after = 0): Promise<SlixEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(after).find((event) => event.event === name && match(event));
      if (found) return found;
      if (this.exited) throw new Error(`slixmpp exited before ${name}:\n${this.stderr.slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`slixmpp did not report ${name} within ${timeoutMs} ms; events: ${JSON.stringify(this.events).slice(-3000)}\n${this.stderr.slice(-3000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Asks the script to quit, and kills it when it has not within 3 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.command('quit');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
