import type { Disposable, JsonValue, TaskHandler } from '../types';
import type { TaskErrorKind } from './task-error';

/** What running a task on one node produced, in a form that travels as JSON. */
export type TaskOutcome = { ok: true; value: JsonValue | undefined } | { ok: false; kind: TaskErrorKind; error: string };

/** The tasks this node answers, by name. */
export class TaskRegistry {
  private readonly handlers = new Map<string, TaskHandler>();

  register(name: string, handler: TaskHandler): Disposable {
    this.handlers.set(name, handler);
    return {
      dispose: () => {
        if (this.handlers.get(name) === handler) this.handlers.delete(name);
      },
    };
  }

  /** Runs a handler; a throw or rejection becomes a 'failed' outcome, never an exception. */
  async run(name: string, payload: JsonValue, fromNode: string): Promise<TaskOutcome> {
    const handler = this.handlers.get(name);
    if (!handler) return { ok: false, kind: 'no-handler', error: `no handler for task '${name}'` };
    try {
      const value = await handler(payload, fromNode);
      return { ok: true, value: value === undefined ? undefined : value };
    } catch (err) {
      return { ok: false, kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
