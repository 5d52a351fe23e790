import type { Logger } from '../log';
import { runIsolated } from './run-isolated';

type Listener = (...args: never[]) => unknown;

/**
 * Typed events whose listeners are isolated from the emitter and from each other: a listener
 * that throws (or rejects) is logged and skipped, the others still run and `emit` returns
 * normally. The core emits from the middle of a login or a presence broadcast, which must
 * never fail because of someone's listener.
 */
export class EventBus<Events extends { [E in keyof Events]: Listener }> {
  private readonly listeners = new Map<keyof Events, Array<Events[keyof Events]>>();

  constructor(private readonly logger: Logger) {}

  /** Returns the function that removes the listener again. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    // Copy on write: a listener added or removed during an emit takes effect from the next one.
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    const current = this.listeners.get(event);
    if (!current) return;
    const index = current.indexOf(listener);
    if (index < 0) return;
    const next = current.filter((_, i) => i !== index);
    if (next.length === 0) this.listeners.delete(event);
    else this.listeners.set(event, next);
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const current = this.listeners.get(event);
    if (!current) return;
    for (const listener of current) {
      runIsolated(() => (listener as (...a: Parameters<Events[E]>) => unknown)(...args), this.logger, 'an event listener failed; skipped it', { event: String(event) });
    }
  }

  eventNames(): Array<keyof Events> {
    return [...this.listeners.keys()];
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}
