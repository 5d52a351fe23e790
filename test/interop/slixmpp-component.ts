/**
 * The slixmpp external component (`slixmpp_component.py`) as a process the test drives: it
 * prints one JSON line per event, and sends what `send` writes to its stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from '../../server-core/testing/eventually';
import { PYTHON_WITH_SLIXMPP as PYTHON } from '../support/test-tools';

export interface ComponentEvent {
  event: 'connected' | 'message' | 'stream_error' | 'disconnected';
  from?: string;
  to?: string;
  body?: string;
  type?: string;
  condition?: string;
}

export class SlixmppComponent {
  readonly events: ComponentEvent[] = [];
  private stderr = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.events.push(JSON.parse(line) as ComponentEvent);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts the component against `port`; it connects at once (wait for `connected` with `waitFor`). */
  static start(port: number, domain: string, secret: string): SlixmppComponent {
    return new SlixmppComponent(spawn(PYTHON, [path.join(__dirname, 'slixmpp_component.py'), String(port), domain, secret], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first event (past or future) that matches. */
  async waitFor(match: (event: ComponentEvent) => boolean, what: string, timeoutMs = 15000): Promise<ComponentEvent> {
    await eventually(`the component to see ${what} (stderr: ${this.stderr.slice(-800)})`, () => this.events.some(match), timeoutMs);
    return this.events.find(match)!;
  }

  send(message: { to: string; body: string; from?: string }): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  /** Ends the process (its connection drops without a closing tag) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
