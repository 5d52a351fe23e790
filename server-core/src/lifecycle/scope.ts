import type { Logger } from '../log';
import { runIsolated, runIsolatedAwaited } from './run-isolated';

export interface TimerHandle {
  cancel(): void;
}

/**
 * Owns everything one running module or plugin registered. `dispose` undoes it newest first
 * (so a registration never outlives what it depends on); an undo that throws is logged and the
 * rest still run. A disposed scope refuses new registrations, so late async code of a stopped
 * owner cannot leak a listener.
 */
export class Scope {
  private undos: Array<() => unknown> = [];
  private disposed = false;

  /** `owner` names who registers, for errors and logs, e.g. "plugin motd" or "module blocking". */
  constructor(
    private readonly owner: string,
    private readonly logger: Logger,
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** How many registrations are live (diagnostics and leak tests). */
  get size(): number {
    return this.undos.length;
  }

  /** Records an undo; returns a function that runs it early (once) and forgets it. */
  own(undo: () => unknown): () => void {
    if (this.disposed) {
      this.undoQuietly(undo);
      throw new Error(`${this.owner} is stopped; it can no longer register anything`);
    }
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      return undo();
    };
    this.undos.push(once);
    return () => {
      this.undos = this.undos.filter((entry) => entry !== once);
      this.undoQuietly(once);
    };
  }

  setTimeout(callback: () => unknown, ms: number): TimerHandle {
    let cancel = () => undefined as void;
    const timer = setTimeout(() => {
      cancel();
      this.invoke(callback, 'timer');
    }, ms);
    cancel = this.own(() => clearTimeout(timer));
    return { cancel };
  }

  setInterval(callback: () => unknown, ms: number): TimerHandle {
    const timer = setInterval(() => this.invoke(callback, 'interval'), ms);
    return { cancel: this.own(() => clearInterval(timer)) };
  }

  /** Runs a callback of the owner so that a throw or rejection is logged instead of crashing the node. */
  invoke(callback: () => unknown, what: string): void {
    runIsolated(callback, this.logger, `${this.owner}: ${what} failed`);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const undos = this.undos.reverse();
    this.undos = [];
    for (const undo of undos) await runIsolatedAwaited(undo, this.logger, `${this.owner}: undoing a registration failed`);
  }

  private undoQuietly(undo: () => unknown): void {
    runIsolated(undo, this.logger, `${this.owner}: undoing a registration failed`);
  }
}
