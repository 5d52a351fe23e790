import type { RosterItem, Stores } from '../storage/stores';
/** A roster entry as a plugin sees it: who, under which name and groups, and the subscription. */
export interface PluginRosterItem {
  /** The contact's bare JID. */
  jid: string;
  name: string | null;
  /** RFC 6121: `from` / `both` mean the contact may see the owner's presence. */
  subscription: RosterItem['subscription'];
  groups: string[];
}

/**
 * What a plugin may read of the local accounts: whether one exists and its roster entries.
 * Accounts and rosters are changed by users (and administrators) through the server, not by
 * plugins, so nothing here writes.
 */
export interface PluginUsers {
  /** Whether `username` (a localpart, lowercase) is an account of this server. */
  exists(username: string): Promise<boolean>;
  /** `owner`'s roster entry for `contact` (a bare JID), or undefined when there is none. */
  rosterItem(owner: string, contact: string): Promise<PluginRosterItem | undefined>;
  /** Whether `viewer` (a bare JID) may see `owner`'s presence: `owner` itself, or a contact whose subscription is `from` or `both`. */
  seesPresenceOf(owner: string, viewer: string): Promise<boolean>;
}

export function pluginUsers(stores: Pick<Stores, 'accounts' | 'rosters'>, domain: string): PluginUsers {
  const rosterItem = async (owner: string, contact: string): Promise<PluginRosterItem | undefined> => {
    const item = await stores.rosters.getItem(owner, contact);
    return item && { jid: item.jid, name: item.name, subscription: item.subscription, groups: [...item.groups] };
  };
  return {
    exists: (username) => stores.accounts.exists(username),
    rosterItem,
    async seesPresenceOf(owner, viewer) {
      if (viewer === `${owner}@${domain}`) return true;
      const item = await rosterItem(owner, viewer);
      return item?.subscription === 'from' || item?.subscription === 'both';
    },
  };
}
