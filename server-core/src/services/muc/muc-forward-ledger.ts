import type { ClusterCache } from '../../cluster/types';

/** How long the cluster remembers a handled forward id: far longer than a stanza waits in an outbox for a senior. */
export const HANDLED_TTL_MS = 3 * 60_000;
/** Bounds the replicated record (every node holds it): 100,000 ids of ~40 bytes. */
export const HANDLED_MAX_ENTRIES = 100_000;

/** This node stopped being senior while handling a forwarded stanza: its sender resends it to the next senior. */
export class NotSeniorError extends Error {
  constructor() {
    super('no longer the senior: the forwarded stanza goes to the next one');
    this.name = 'NotSeniorError';
  }
}

/** Called by the room around its turn for one stanza (see MucService.handle). */
export interface RoomTurn {
  begin(): void;
  end(): void;
}

interface Handling {
  id: string;
  /** The record's write, issued right before the stanza's first effect. */
  written: Promise<void> | null;
}

/**
 * The senior's record of the forwarded stanzas it handled, so a stanza a sender resends (its
 * senior died before acknowledging it, or an acknowledgement was late) is handled once.
 *
 * The record is a replicated cache written by the senior, and each id is written right before
 * the stanza's first effect (a delivery, an answer, an error) leaves this node, in the same
 * tick: the write and the remote deliveries are commands on one Redis connection, which Redis
 * runs in the order sent. So whenever any surviving occupant saw an effect, the id reached
 * Redis first and every node (the next senior among them) knows it was handled; when the
 * senior died before the write, nobody on another node saw anything and the next senior
 * handles the resent stanza as new. Writing the id earlier (when the room's turn starts)
 * would lose the stanza when the senior dies in the awaits before its fan-out (a persistent
 * room archives to SQL first); keeping the ids in the room snapshot would duplicate it, since
 * the snapshot is written after the fan-out. Occupants on the dying senior itself may see an
 * effect the record missed, but their streams die with it.
 */
export class ForwardLedger {
  /** Forward ids being handled on this node now: a copy arriving meanwhile is not handled again. */
  private readonly inFlight = new Set<string>();
  /** Room JID → the forwarded stanza whose turn it is in that room. */
  private readonly turns = new Map<string, Handling>();

  constructor(
    private readonly handled: ClusterCache<number>,
    private readonly isSenior: () => boolean,
  ) {}

  /** The forward id of the stanza whose turn it is in `room`, if it came forwarded. */
  currentId(room: string): string | undefined {
    return this.turns.get(room)?.id;
  }

  /** What became of a forward id: handled here or by an earlier senior, being handled, or new. */
  state(id: string): 'handled' | 'handling' | 'new' {
    if (this.inFlight.has(id)) return 'handling';
    return this.handled.has(id) ? 'handled' : 'new';
  }

  /**
   * Handles a forwarded stanza once: `handle` gets the room turn to pass to the room (none for
   * the service's own address, whose answers hold no state). Resolves once the id is recorded
   * in Redis, when it may be acknowledged (also when `handle` failed: it rejects with that error
   * then); rejects with NotSeniorError when this node is no longer senior (nothing went out then,
   * or the write was refused) and the stanza is to be handled by the next senior.
   */
  async run(id: string, room: string | null, handle: (turn: RoomTurn | undefined) => Promise<void>): Promise<void> {
    this.inFlight.add(id);
    const handling: Handling = { id, written: null };
    const turn: RoomTurn | undefined =
      room === null
        ? undefined
        : {
            begin: () => this.turns.set(room, handling),
            end: () => {
              if (this.turns.get(room) === handling) this.turns.delete(room);
            },
          };
    try {
      let failure: unknown = null;
      try {
        await handle(turn);
      } catch (err) {
        if (err instanceof NotSeniorError) throw err;
        failure = err;
      }
      // A stanza without any effect (or to the service itself) is recorded now; so is one that
      // failed, which a resend would only fail again.
      this.write(handling);
      await handling.written;
      if (failure !== null) throw failure;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /**
   * Called before anything the rooms send leaves this node, with the address it comes from (a
   * room or occupant JID): during a forwarded stanza's turn, its id is written first.
   */
  beforeOutput(address: string | undefined): void {
    if (this.turns.size === 0 || address === undefined) return;
    const slash = address.indexOf('/');
    const handling = this.turns.get(slash < 0 ? address : address.slice(0, slash));
    if (handling) this.write(handling);
  }

  private write(handling: Handling): void {
    if (handling.written) return;
    // A senior whose lease ended sends nothing for a forwarded stanza: the next senior will.
    if (!this.isSenior()) throw new NotSeniorError();
    handling.written = this.handled.set(handling.id, Date.now()).catch(() => {
      throw new NotSeniorError();
    });
    // Awaited by run(); an effect that throws before then must not leave it unobserved.
    handling.written.catch(() => undefined);
  }
}
