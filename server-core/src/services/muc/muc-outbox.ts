import { randomBytes } from 'node:crypto';
import type { Element } from 'ltx';
import type { Jid } from '../../xml';

/** A stanza this node forwarded (or will forward) to the senior and that is not acknowledged yet. */
export interface OutboxEntry {
  id: string;
  stanza: Element;
  from: Jid;
  to: Jid;
  /** What goes on the wire, serialized once. */
  payload: string;
  /** Monotonic ms when the sender's stanza was taken. */
  acceptedAt: number;
  /** The node it was last sent to (null: not sent yet), and when. */
  sentTo: string | null;
  sentAt: number;
  /** Being handled on this node, which became senior. */
  handling: boolean;
}

/**
 * The forwarding node's stanzas to the rooms until the senior acknowledges them, in the order
 * the senders sent them. Ids are unique per node process: the node id, a random incarnation
 * (a restarted node with the same id never reuses an id the cluster remembers), a sequence.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly incarnation: string;
  private sequence = 0;

  constructor(
    nodeId: string,
    readonly limit: number,
  ) {
    this.incarnation = `${nodeId}.${randomBytes(6).toString('base64url')}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get full(): boolean {
    return this.entries.size >= this.limit;
  }

  add(stanza: Element, from: Jid, to: Jid, now: number): OutboxEntry {
    const id = `${this.incarnation}.${++this.sequence}`;
    const payload = JSON.stringify({ id, from: from.full, to: to.full, xml: stanza.toString() });
    const entry: OutboxEntry = { id, stanza, from, to, payload, acceptedAt: now, sentTo: null, sentAt: 0, handling: false };
    this.entries.set(id, entry);
    return entry;
  }

  get(id: string): OutboxEntry | undefined {
    return this.entries.get(id);
  }

  /** Acknowledged (or given up): false when it was not (or no longer) here. */
  remove(id: string): boolean {
    return this.entries.delete(id);
  }

  /** Oldest first. */
  values(): IterableIterator<OutboxEntry> {
    return this.entries.values();
  }
}
