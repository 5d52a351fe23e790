import { RESYNC_ORIGIN, type ClusterCache } from '@asterisk-im/server-core';
import type { DeviceStateChange, UserPhoneState } from '../calls';
import type { PhoneStateView } from '../runtime';

/** How long a phone state that vanished with Redis's data is still taken as it was, waiting for the senior to restore it. */
export const REDIS_LOSS_GRACE_MS = 1000;

/**
 * The phone state of users, with their devices, written by the senior from its call trackers
 * and read on every node. Entries exist only while a user has calls or a device that is not
 * idle, so an empty cache means nobody is on the phone. One entry per user, so a call costs one
 * replicated write per change, devices included.
 */
export class PhoneStateCache implements PhoneStateView {
  constructor(private readonly users: ClusterCache<UserPhoneState>) {}

  userState(bareJid: string): UserPhoneState | undefined {
    return this.users.get(bareJid);
  }

  isOnPhone(bareJid: string): boolean {
    return this.userState(bareJid)?.onPhone === true;
  }

  /** Every user entry: what the last listener to Asterisk published. */
  userStates(): UserPhoneState[] {
    return this.users.entries().map(([, value]) => value);
  }

  usersKnown(): string[] {
    return this.users.keys();
  }

  deviceStates(): DeviceStateChange[] {
    return this.users.entries().flatMap(([user, value]) => (value.devices ?? []).map(({ device, state }) => ({ device, user, state })));
  }

  /**
   * Senior only. Writes only what differs, so replicas see one change per real change; `force`
   * writes anyway (after a failed write the local copy shows what the store never took).
   */
  async publishUser(state: UserPhoneState, { force = false }: { force?: boolean } = {}): Promise<void> {
    const keep = state.onPhone || state.calls.length > 0 || state.devices.length > 0;
    const current = this.users.get(state.user);
    if (!keep) {
      if (current !== undefined || force) await this.users.delete(state.user);
      return;
    }
    if (force || JSON.stringify(current) !== JSON.stringify(state)) await this.users.set(state.user, state);
  }

  /**
   * Fires for every change of a user entry made by another node than `nodeId`,
   * including entries a node put back after Redis lost the caches (those may be stale).
   */
  onForeignChange(nodeId: string, listener: () => void): () => void {
    const onEntry = (event: { origin: string }): void => {
      if (event.origin !== nodeId) listener();
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

  /**
   * Fires on every node when a user's entry changes on any node. `lostWithRedis` marks a removal
   * that only reflects Redis having lost the cache: the senior may be putting the entry back.
   */
  onUserChange(listener: (user: string, change: { lostWithRedis: boolean }) => void): () => void {
    const onEntry = (event: { key: string; value: UserPhoneState | undefined; origin: string }): void =>
      listener(event.key, { lostWithRedis: event.value === undefined && event.origin === RESYNC_ORIGIN });
    this.users.on('entry', onEntry);
    return () => this.users.off('entry', onEntry);
  }
}
