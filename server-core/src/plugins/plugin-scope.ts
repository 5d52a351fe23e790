import type { Logger } from '../log';
import type { TimerHandle } from './types';

/**
 * Owns everything one running plugin registered. `dispose` undoes it newest first (so a
 * registration never outlives what it depends on); one failing undo is logged and the rest
 * still run. A disposed scope refuses new registrations, so late async code in a stopped
 * plugin cannot leak a listener.
 */
export class PluginScope {
  private undos: Array<() => unknown> = [];
  private disposed = false;

  constructor(
    private readonly pluginName: string,
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
      this.runQuietly(undo);
      throw new Error(`plugin ${this.pluginName} is stopped; it can no longer register anything`);
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
      this.runQuietly(once);
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

  /** Runs a plugin callback so that a throw or rejection is logged instead of crashing the node. */
  invoke(callback: () => unknown, what: string): void {
    try {
      const result = callback();
      if (result instanceof Promise) result.catch((err: unknown) => this.logger.error({ err }, `plugin ${what} failed`));
    } catch (err) {
      this.logger.error({ err }, `plugin ${what} failed`);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const undos = this.undos.reverse();
    this.undos = [];
    for (const undo of undos) {
      try {
        await undo();
      } catch (err) {
        this.logger.error({ err }, 'undoing a plugin registration failed');
      }
    }
  }

  private runQuietly(undo: () => unknown): void {
    try {
      const result = undo();
      if (result instanceof Promise) result.catch((err: unknown) => this.logger.error({ err }, 'undoing a plugin registration failed'));
    } catch (err) {
      this.logger.error({ err }, 'undoing a plugin registration failed');
    }
  }
}
