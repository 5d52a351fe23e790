import { RESYNC_ORIGIN, type ClusterCache } from '@asterisk-im/server-core';
import type { DeviceStateChange, UserPhoneState } from '../calls';
import type { PhoneStateView } from '../runtime';

/**
 * The key of the senior's completion mark, in the same cache as the users so that it reaches
 * every node after the user entries written before it. Bare JIDs never start with '@'.
 */
export const SYNC_MARK_KEY = '@synced';

/** Written by the senior after every user entry it knows of is in the store. */
export interface SyncMark {
  /** Unique per mark: a mark put back unchanged after Redis lost its data confirms nothing. */
  synced: string;
}

export type PhoneStateEntry = UserPhoneState | SyncMark;

function isUserState(value: PhoneStateEntry | undefined): value is UserPhoneState {
  return value !== undefined && 'user' in value;
}

/** A user entry that vanished in a reload, as it was, until the senior says what is true. */
interface HeldEntry {
  state: UserPhoneState;
  /** The mark current when the entry vanished; a different mark releases it. */
  markAtLoss: string | undefined;
}

let markCounter = 0;

/**
 * The phone state of users, with their devices, written by the senior from its call trackers
 * and read on every node. Entries exist only while a user has calls or a device that is not
 * idle, so an empty cache means nobody is on the phone. One entry per user, so a call costs one
 * replicated write per change, devices included.
 *
 * An entry a reload found missing (Redis lost its data, or a removal this copy missed) says
 * nothing yet: the call may still be up and the senior putting the entry back. Such an entry is
 * held, as it was, until it comes back, the senior deletes it, or the senior writes a new mark
 * after republishing every user: a mark newer than the loss means the entry is gone for good.
 * Readers see no state in between, so a contact never sees a user leave the phone mid-call.
 */
export class PhoneStateCache implements PhoneStateView {
  private readonly held = new Map<string, HeldEntry>();
  private readonly userListeners = new Set<(user: string) => void>();
  private readonly holdListeners = new Set<(user: string) => void>();
  /** The last mark seen; kept when the mark itself vanishes, so that the same mark put back releases nothing. */
  private lastMark: string | undefined;

  constructor(private readonly users: ClusterCache<PhoneStateEntry>) {
    const mark = users.get(SYNC_MARK_KEY);
    if (mark !== undefined && !isUserState(mark)) this.lastMark = mark.synced;
    users.on('entry', (event) => this.onEntry(event));
  }

  userState(bareJid: string): UserPhoneState | undefined {
    const stored = this.users.get(bareJid);
    return isUserState(stored) ? stored : this.held.get(bareJid)?.state;
  }

  isOnPhone(bareJid: string): boolean {
    return this.userState(bareJid)?.onPhone === true;
  }

  /** Every user entry (held ones included): what the last listener to Asterisk published. */
  userStates(): UserPhoneState[] {
    return this.usersKnown().map((user) => this.userState(user)!);
  }

  usersKnown(): string[] {
    const users = new Set(this.users.keys().filter((key) => key !== SYNC_MARK_KEY));
    for (const user of this.held.keys()) users.add(user);
    return [...users];
  }

  /** Users whose entry vanished in a reload and that wait for the senior's word. */
  heldUsers(): string[] {
    return [...this.held.keys()];
  }

  deviceStates(): DeviceStateChange[] {
    return this.userStates().flatMap(({ user, devices }) => (devices ?? []).map(({ device, state }) => ({ device, user, state })));
  }

  /**
   * Senior only. Writes only what differs from the store's copy, so replicas see one change per
   * real change. `force` writes (or deletes) anyway: after a failed write the local copy shows
   * what the store never took. `refresh` writes an entry to keep anyway (after a loss the store
   * may lack what the copy shows) and deletes a held one, so that every node lets it go.
   */
  async publishUser(state: UserPhoneState, { force = false, refresh = false }: { force?: boolean; refresh?: boolean } = {}): Promise<void> {
    const keep = state.onPhone || state.calls.length > 0 || state.devices.length > 0 || state.dnd === true;
    const current = this.users.get(state.user);
    if (!keep) {
      if (current !== undefined || force || (refresh && this.held.has(state.user))) await this.users.delete(state.user);
      return;
    }
    if (force || refresh || JSON.stringify(current) !== JSON.stringify(state)) await this.users.set(state.user, state);
  }

  /** Senior only, after every user it knows of was written: releases what other nodes hold. */
  async markSynced(nodeId: string): Promise<void> {
    await this.users.set(SYNC_MARK_KEY, { synced: `${nodeId}:${Date.now()}:${++markCounter}` });
  }

  /**
   * Fires for every change of a user entry made by another node than `nodeId`,
   * including entries a node put back after Redis lost the caches (those may be stale).
   */
  onForeignChange(nodeId: string, listener: () => void): () => void {
    const onEntry = (event: { key: string; origin: string }): void => {
      if (event.key !== SYNC_MARK_KEY && event.origin !== nodeId) listener();
    };
    const onCleared = (origin: string): void => {
      if (origin !== nodeId) listener();
    };
    this.users.on('entry', onEntry);
    this.users.on('cleared', onCleared);
    return () => {
      this.users.off('entry', onEntry);
      this.users.off('cleared', onCleared);
    };
  }

  /** Fires on every node when what `userState` says of a user may have changed. */
  onUserChange(listener: (user: string) => void): () => void {
    this.userListeners.add(listener);
    return () => this.userListeners.delete(listener);
  }

  /** Fires when an entry starts being held: the senior should confirm (see `markSynced`). */
  onHold(listener: (user: string) => void): () => void {
    this.holdListeners.add(listener);
    return () => this.holdListeners.delete(listener);
  }

  private onEntry({ key, value, previous, origin }: { key: string; value: PhoneStateEntry | undefined; previous: PhoneStateEntry | undefined; origin: string }): void {
    if (key === SYNC_MARK_KEY) {
      if (value === undefined || isUserState(value)) return;
      this.lastMark = value.synced;
      this.releaseHeldBefore(value.synced);
      return;
    }
    if (value === undefined && origin === RESYNC_ORIGIN && isUserState(previous)) {
      if (!this.held.has(key)) this.held.set(key, { state: previous, markAtLoss: this.lastMark });
      for (const listener of this.holdListeners) listener(key);
      return;
    }
    this.held.delete(key);
    this.notify(key);
  }

  private releaseHeldBefore(mark: string): void {
    for (const [user, entry] of [...this.held]) {
      if (entry.markAtLoss === mark) continue;
      this.held.delete(user);
      this.notify(user);
    }
  }

  private notify(user: string): void {
    for (const listener of this.userListeners) listener(user);
  }
}
