import { RESYNC_ORIGIN } from '@asterisk-im/server-core/src/cluster';
import type { ClusterCache, JsonValue } from '@asterisk-im/server-core/src/cluster/types';
import type { DeviceStateChange, UserPhoneState } from '../calls';
import type { PhoneStateView } from '../runtime';

/**
 * The phone state of users and devices, written by the senior from its call trackers and read
 * on every node. Entries exist only while a user has calls (or is on the phone), and only
 * while a device is not idle, so an empty cache means nobody is on the phone.
 */
export class PhoneStateCache implements PhoneStateView {
  constructor(
    private readonly users: ClusterCache<JsonValue>,
    private readonly devices: ClusterCache<JsonValue>,
  ) {}

  userState(bareJid: string): UserPhoneState | undefined {
    return this.users.get(bareJid) as unknown as UserPhoneState | undefined;
  }

  isOnPhone(bareJid: string): boolean {
    return this.userState(bareJid)?.onPhone === true;
  }

  usersKnown(): string[] {
    return this.users.keys();
  }

  deviceStates(): DeviceStateChange[] {
    return this.devices.entries().map(([, value]) => value as unknown as DeviceStateChange);
  }

  /** Senior only. Writes only what differs, so replicas see one change per real change. */
  async publishUser(state: UserPhoneState): Promise<void> {
    const keep = state.onPhone || state.calls.length > 0;
    const current = this.users.get(state.user);
    if (!keep) {
      if (current !== undefined) await this.users.delete(state.user);
      return;
    }
    const next = state as unknown as JsonValue;
    if (JSON.stringify(current) !== JSON.stringify(next)) await this.users.set(state.user, next);
  }

  /** Senior only. */
  async publishDevice(change: DeviceStateChange): Promise<void> {
    if (change.state === 'idle') {
      if (this.devices.has(change.device)) await this.devices.delete(change.device);
      return;
    }
    await this.devices.set(change.device, change as unknown as JsonValue);
  }

  /**
   * Fires for every change of a user or device entry made by another node than `nodeId`,
   * including entries a node put back after Redis lost the caches (those may be stale).
   */
  onForeignChange(nodeId: string, listener: () => void): () => void {
    const onEntry = (event: { origin: string }): void => {
      if (event.origin !== nodeId) listener();
    };
    const onCleared = (origin: string): void => {
      if (origin !== nodeId) listener();
    };
    for (const cache of [this.users, this.devices]) {
      cache.on('entry', onEntry);
      cache.on('cleared', onCleared);
    }
    return () => {
      for (const cache of [this.users, this.devices]) {
        cache.off('entry', onEntry);
        cache.off('cleared', onCleared);
      }
    };
  }

  /**
   * Fires on every node when a user's entry changes on any node. `lostWithRedis` marks a removal
   * that only reflects Redis having lost the cache: the senior may be putting the entry back.
   */
  onUserChange(listener: (user: string, change: { lostWithRedis: boolean }) => void): () => void {
    const onEntry = (event: { key: string; value: JsonValue | undefined; origin: string }): void =>
      listener(event.key, { lostWithRedis: event.value === undefined && event.origin === RESYNC_ORIGIN });
    this.users.on('entry', onEntry);
    return () => this.users.off('entry', onEntry);
  }
}
