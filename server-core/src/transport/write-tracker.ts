/**
 * Counts writes handed to a socket and those it has passed on (their write callbacks), so a
 * caller can wait until everything written so far has left the process. Once the connection
 * is gone, waiting answers false: what was still queued may never have gone out.
 */
export class WriteTracker {
  private issued = 0;
  private done = 0;
  private gone = false;
  private waiters: Array<{ upTo: number; resolve: (flushed: boolean) => void }> = [];

  /** Call before each write; pass the returned callback to the write. */
  next(): (err?: Error | null) => void {
    const number = ++this.issued;
    return (err) => {
      if (err) return this.closed();
      this.done = Math.max(this.done, number);
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.upTo > this.done) return true;
        waiter.resolve(true);
        return false;
      });
    };
  }

  /** Resolves true once every write issued before this call has been passed on. */
  flushed(): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    if (this.done >= this.issued) return Promise.resolve(true);
    return new Promise((resolve) => this.waiters.push({ upTo: this.issued, resolve }));
  }

  closed(): void {
    this.gone = true;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }
}
