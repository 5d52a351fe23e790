/**
 * A FIFO mutex for async work. SQLite has one connection per Database, so an async
 * transaction must hold it from BEGIN to COMMIT while other callers wait their turn.
 */
export class AsyncLock {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  get isHeld(): boolean {
    return this.held;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.held = true;
    try {
      return await fn();
    } finally {
      this.held = false;
      release();
    }
  }
}
