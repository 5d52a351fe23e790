import type { ClusterCache } from '../../cluster/types';
import type { CoreContext } from '../../core/core-context';
import { matchesBlocklist } from './blocked-jid-match';

export const BLOCKLIST_CACHE = 'xmpp-blocklists';

/**
 * The blocklists of users who are online anywhere in the cluster, in a replicated cache
 * (bare JID -> blocked JIDs), so the checks interceptors make on every stanza are local and
 * synchronous. Lists of offline users are read from the database when asked.
 */
export class BlocklistCache {
  private readonly cache: ClusterCache<string[]>;
  private readonly loads = new Map<string, Promise<string[]>>();

  constructor(private readonly ctx: CoreContext) {
    this.cache = ctx.cluster.createCache<string[]>(BLOCKLIST_CACHE);
  }

  /** The cached answer, or undefined when the owner's list is not loaded. */
  isBlockedNow(owner: string, other: string): boolean | undefined {
    const list = this.cache.get(owner);
    return list === undefined ? undefined : matchesBlocklist(list, other);
  }

  async isBlocked(owner: string, other: string): Promise<boolean> {
    return matchesBlocklist(await this.list(owner), other);
  }

  async list(owner: string): Promise<string[]> {
    return this.cache.get(owner) ?? this.ctx.stores.blocklists.list(usernameOf(owner));
  }

  /**
   * Reads the owner's list from the database into the cache, after any read already under way
   * for that owner, so an older read can never overwrite the list a change just stored.
   */
  reload(owner: string): Promise<string[]> {
    const previous = this.loads.get(owner) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.readIntoCache(owner));
    this.loads.set(owner, next);
    const forget = () => {
      if (this.loads.get(owner) === next) this.loads.delete(owner);
    };
    next.then(forget, forget);
    return next;
  }

  /** Loads the owner's list unless it is cached or on its way (at login, and when a check finds it missing). */
  async ensureLoaded(owner: string): Promise<void> {
    if (this.cache.has(owner)) return;
    await (this.loads.get(owner) ?? this.reload(owner));
  }

  private async readIntoCache(owner: string): Promise<string[]> {
    const list = await this.ctx.stores.blocklists.list(usernameOf(owner));
    await this.cache.set(owner, list);
    return list;
  }

  /** Drops the owner's list once none of their resources is online on any node. */
  async evictIfOffline(owner: string): Promise<void> {
    if (this.ctx.routes.resourcesOf(owner).length === 0 && this.cache.has(owner)) await this.cache.delete(owner);
  }
}

function usernameOf(bareJid: string): string {
  return bareJid.slice(0, bareJid.indexOf('@'));
}
