import type { Cluster, ClusterCache } from '../../cluster/types';

/**
 * Distinct client builds in one deployment number in the tens or hundreds; the bound only keeps
 * a client that makes up new vers from growing every node's memory. An evicted ver is asked
 * again the next time it shows up.
 */
export const MAX_KNOWN_CAPS = 4096;

/**
 * The features behind each caps key (see AdvertisedCaps.key), in a replicated cache so a ver
 * one node verified is known on every node without asking again.
 */
export class KnownCaps {
  private readonly cache: ClusterCache<string[]>;
  /** Lookups happen for every notification; the set is built once per entry. */
  private readonly sets = new Map<string, ReadonlySet<string>>();
  private readonly forgetSet = ({ key }: { key: string }): void => void this.sets.delete(key);
  private readonly forgetAll = (): void => this.sets.clear();

  constructor(cluster: Cluster) {
    this.cache = cluster.createCache<string[]>('xmpp-caps', { maxEntries: MAX_KNOWN_CAPS });
    this.cache.on('entry', this.forgetSet);
    this.cache.on('cleared', this.forgetAll);
  }

  features(key: string): ReadonlySet<string> | undefined {
    const known = this.sets.get(key);
    if (known) return known;
    const list = this.cache.get(key);
    if (list === undefined) return undefined;
    const set = new Set(list);
    this.sets.set(key, set);
    return set;
  }

  /** Visible on this node at once; on the others once replicated. */
  remember(key: string, features: string[]): Promise<void> {
    return this.cache.set(key, features);
  }

  forget(key: string): Promise<void> {
    return this.cache.has(key) ? this.cache.delete(key) : Promise.resolve();
  }

  dispose(): void {
    this.cache.off('entry', this.forgetSet);
    this.cache.off('cleared', this.forgetAll);
    this.sets.clear();
  }
}
