/**
 * Serialises async work per user on this node: read-modify-write of a roster, so two
 * subscription stanzas cannot both read the old state and lose one change; offline delivery,
 * so two resources becoming available at once do not both hand out the same messages.
 */
export class OwnerLocks {
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
