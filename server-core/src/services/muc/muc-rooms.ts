import { createHash, randomBytes } from 'node:crypto';
import type { ClusterCache } from '../../cluster/types';
import type { MucStore } from './muc-store';
import { AFFILIATION_RANK, type Affiliation, type HistoryEntry, type Occupant, type Role, type RoomConfig, type RoomState } from './muc-types';

export interface MucLimits {
  /** Groupchat messages kept per room (memory, cluster cache and SQL). */
  historyLength: number;
  /** The most occupants a room may be configured for. */
  maxUsers: number;
  /** The most active rooms one account may own (persistent rooms at rest do not count). */
  maxRoomsPerUser: number;
}

/**
 * The rooms the owning node serves. A room's state is in memory while it is active and is
 * copied to a replicated cache after every change, so the next owner of the rooms (another node,
 * after this one died) carries on from it; persistent rooms are also in SQL. The history has a
 * cache of its own: a message then replicates the last messages, not the whole occupant list
 * (about 70 KB of JSON for 500 occupants) to every node.
 */
export class RoomRegistry {
  private readonly active = new Map<string, RoomState>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    readonly store: MucStore,
    private readonly snapshots: ClusterCache<RoomState>,
    private readonly histories: ClusterCache<HistoryEntry[]>,
    readonly defaults: RoomConfig,
    readonly limits: MucLimits,
  ) {}

  /**
   * Runs `task` after every earlier task of the same room: a room's stanzas are handled one at
   * a time, in the order they arrived, so every occupant sees the same order.
   */
  serial(room: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(room) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.queues.set(room, tail);
    void tail.then(() => {
      if (this.queues.get(room) === tail) this.queues.delete(room);
    });
    return next;
  }

  /** The room from memory, else the replicated copy (another owner served it), else SQL. */
  async find(jid: string): Promise<RoomState | undefined> {
    const live = this.live(jid);
    if (live) return live;
    const room = await this.store.loadRoom(jid, this.limits.historyLength);
    if (room) this.active.set(jid, room);
    return room;
  }

  /** A room with occupants (in memory or the replicated copy); never read from SQL. */
  live(jid: string): RoomState | undefined {
    const live = this.active.get(jid);
    if (live) return live;
    const copy = this.snapshots.get(jid);
    if (!copy) return undefined;
    // A copy written before the history had a cache of its own carries the history itself.
    const room = { ...structuredClone(copy), history: structuredClone(this.histories.get(jid) ?? copy.history) };
    this.active.set(jid, room);
    return room;
  }

  create(jid: string, owner: string): RoomState {
    const room: RoomState = {
      jid,
      config: { ...this.defaults },
      locked: true,
      subject: null,
      affiliations: { [owner]: { affiliation: 'owner', nick: null, reason: null } },
      occupants: [],
      history: [],
      salt: randomBytes(16).toString('base64'),
      createdAt: Date.now(),
    };
    this.active.set(jid, room);
    return room;
  }

  /** After a change: the replicated copy, and SQL when the room is persistent and `stored` changed. */
  async commit(room: RoomState, options: { stored?: boolean } = {}): Promise<void> {
    const writes: Array<Promise<void>> = [];
    if (room.occupants.length === 0) {
      // Nobody inside: a temporary room ends, a persistent one rests in SQL.
      this.active.delete(room.jid);
      writes.push(this.snapshots.delete(room.jid));
      if (this.histories.get(room.jid)) writes.push(this.histories.delete(room.jid));
    } else {
      writes.push(this.snapshots.set(room.jid, { ...room, history: [] }));
      // A room that came back from SQL with its history: replicate that too.
      if (room.history.length > 0 && !this.histories.get(room.jid)) writes.push(this.histories.set(room.jid, room.history));
    }
    if (room.config.persistent && options.stored && !room.locked) writes.push(this.store.saveRoom(room));
    await Promise.all(writes);
  }

  async destroy(room: RoomState): Promise<void> {
    this.active.delete(room.jid);
    await Promise.all([this.snapshots.delete(room.jid), this.histories.delete(room.jid), this.store.deleteRoom(room.jid)]);
  }

  /** A groupchat message joins the history: replicated (and in SQL for a persistent room); the rest of the room is unchanged. */
  async addHistory(room: RoomState, entry: HistoryEntry): Promise<void> {
    room.history.push(entry);
    if (room.history.length > this.limits.historyLength) room.history.splice(0, room.history.length - this.limits.historyLength);
    const writes = [this.histories.set(room.jid, room.history)];
    if (room.config.persistent && !room.locked) writes.push(this.store.appendHistory(room.jid, entry, this.limits.historyLength));
    await Promise.all(writes);
  }

  /** Rooms active anywhere in the cluster (replicated copies), for listings and node loss. */
  activeJids(): string[] {
    return [...new Set([...this.active.keys(), ...this.snapshots.keys()])];
  }

  /** This node stopped owning the rooms: the next owner reads the replicated copies. */
  forget(): void {
    this.active.clear();
  }

  /** Active rooms (anywhere in the cluster) that `bare` owns. */
  ownedBy(bare: string): number {
    return this.activeJids().filter((jid) => this.live(jid)?.affiliations[bare]?.affiliation === 'owner').length;
  }

  count(): { rooms: number; occupants: number } {
    let occupants = 0;
    const rooms = this.snapshots.entries();
    for (const [, room] of rooms) occupants += room.occupants.reduce((n, o) => n + o.jids.length, 0);
    return { rooms: rooms.length, occupants };
  }
}

export function affiliationOf(room: RoomState, bare: string): Affiliation {
  return room.affiliations[bare]?.affiliation ?? 'none';
}

export function rankOf(room: RoomState, bare: string): number {
  return AFFILIATION_RANK[affiliationOf(room, bare)];
}

export function occupantByJid(room: RoomState, fullJid: string): Occupant | undefined {
  return room.occupants.find((o) => o.jids.includes(fullJid));
}

export function occupantByNick(room: RoomState, nick: string): Occupant | undefined {
  return room.occupants.find((o) => o.nick === nick);
}

/** The role an affiliation starts with (XEP-0045 5.1.2). */
export function defaultRole(affiliation: Affiliation, config: RoomConfig): Role {
  if (affiliation === 'owner' || affiliation === 'admin') return 'moderator';
  if (affiliation === 'outcast') return 'none';
  if (affiliation === 'member') return 'participant';
  return config.moderated ? 'visitor' : 'participant';
}

/** XEP-0421: the same id for the same account in the same room, revealing nothing of the JID. */
export function occupantId(room: RoomState, bare: string): string {
  return createHash('sha256').update(room.salt).update('\0').update(bare).digest('base64');
}

/** How many owners the room has, to keep it from losing its last one. */
export function ownerCount(room: RoomState): number {
  return Object.values(room.affiliations).filter((a) => a.affiliation === 'owner').length;
}
