/**
 * Uniqueids of channels that hung up recently. Asterisk still describes a
 * channel after its Hangup (a DialEnd follows the callee's hang-up, a
 * BridgeLeave may trail), and the tracker adopts channels it does not know;
 * this memory keeps such late events from bringing a finished call back.
 * Uniqueids are never reused, so forgetting the oldest ones is safe.
 */
export class EndedChannels {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  add(uniqueid: string): void {
    this.ids.delete(uniqueid);
    this.ids.add(uniqueid);
    if (this.ids.size <= this.capacity) return;
    const oldest = this.ids.values().next().value;
    if (oldest !== undefined) this.ids.delete(oldest);
  }

  has(uniqueid: string): boolean {
    return this.ids.has(uniqueid);
  }
}
