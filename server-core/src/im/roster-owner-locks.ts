/**
 * Serialises read-modify-write of one user's roster on this node, so two subscription
 * stanzas for the same user cannot both read the old state and lose one change.
 */
export class RosterOwnerLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(owner: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(owner) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(owner, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(owner) === tail) this.tails.delete(owner);
    }
  }
}
