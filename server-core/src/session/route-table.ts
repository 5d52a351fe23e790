import type { Cluster, ClusterCache } from '../cluster/types';
import { bareOf } from '../xml';

/** Where a resource is bound and what message routing needs to know about it. */
export interface Route {
  node: string;
  priority: number;
  available: boolean;
}

export interface ResourceRoute extends Route {
  fullJid: string;
}

/** The replicated cache behind the route table; read it through RouteTable only. */
export const ROUTES_CACHE = 'xmpp-routes';

/**
 * The cluster-wide route table (full JID -> node), kept in a replicated cache so every
 * lookup is local; the bare JID index is derived from it on each node.
 */
export class RouteTable {
  private readonly cache: ClusterCache<{ node: string; priority: number; available: boolean }>;
  private readonly byBare = new Map<string, Set<string>>();

  constructor(cluster: Cluster) {
    this.cache = cluster.createCache(ROUTES_CACHE);
    for (const [full] of this.cache.entries()) this.index(full);
    this.cache.on('entry', ({ key, value }) => (value === undefined ? this.unindex(key) : this.index(key)));
    this.cache.on('cleared', () => this.rebuildIndex());
  }

  /** A route that did not change is not written again: most presence changes keep node, priority and availability. */
  set(fullJid: string, route: Route): Promise<void> {
    const current = this.cache.get(fullJid);
    if (current && current.node === route.node && current.priority === route.priority && current.available === route.available) return Promise.resolve();
    this.index(fullJid);
    return this.cache.set(fullJid, { node: route.node, priority: route.priority, available: route.available });
  }

  /** See ClusterCache.settled: route writes made so far have come back through the stream. */
  settled(): Promise<void> {
    return this.cache.settled();
  }

  remove(fullJid: string): Promise<void> {
    this.unindex(fullJid);
    return this.cache.delete(fullJid);
  }

  get(fullJid: string): Route | undefined {
    return this.cache.get(fullJid);
  }

  resourcesOf(bareJid: string): ResourceRoute[] {
    const fulls = this.byBare.get(bareJid);
    if (!fulls) return [];
    const out: ResourceRoute[] = [];
    for (const fullJid of fulls) {
      const route = this.cache.get(fullJid);
      if (route) out.push({ fullJid, ...route });
    }
    return out;
  }

  /** Every route held by `node` (used to purge a node that died). */
  routesOfNode(node: string): string[] {
    return this.cache.entries().filter(([, r]) => r.node === node).map(([full]) => full);
  }

  get size(): number {
    return this.cache.size;
  }

  /** Every route in the table. */
  entries(): ResourceRoute[] {
    return this.cache.entries().map(([fullJid, route]) => ({ fullJid, ...route }));
  }

  /** Resolves once the table holds the cluster's routes, not only those this node wrote. */
  ready(): Promise<void> {
    return this.cache.ready();
  }

  /** Calls `listener` with the node (`origin`) that removed a route; returns the undo. */
  onRemoved(listener: (fullJid: string, origin: string) => void): () => void {
    const onEntry = ({ key, value, origin }: { key: string; value: Route | undefined; origin: string }) => {
      if (value === undefined) listener(key, origin);
    };
    this.cache.on('entry', onEntry);
    return () => this.cache.off('entry', onEntry);
  }

  private index(fullJid: string): void {
    const bare = bareOf(fullJid);
    let set = this.byBare.get(bare);
    if (!set) this.byBare.set(bare, (set = new Set()));
    set.add(fullJid);
  }

  private unindex(fullJid: string): void {
    const bare = bareOf(fullJid);
    const set = this.byBare.get(bare);
    set?.delete(fullJid);
    if (set && set.size === 0) this.byBare.delete(bare);
  }

  private rebuildIndex(): void {
    this.byBare.clear();
    for (const [full] of this.cache.entries()) this.index(full);
  }
}
