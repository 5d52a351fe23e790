import type { ClusterCache } from '../../cluster/types';

/** Where one external component is connected (a type, not an interface, so it is a JSON value for any cache). */
export type ComponentRoute = {
  node: string;
  /** The stream that holds the domain (its id). */
  stream: string;
  /** When its handshake succeeded (epoch ms). */
  since: number;
};

/** The first of two claims on one domain wins: the older handshake, then the smaller stream id. */
export function claimsFirst(a: ComponentRoute, b: ComponentRoute): boolean {
  return a.since !== b.since ? a.since < b.since : a.stream < b.stream;
}

/**
 * The cluster-wide table of connected external components (domain -> node), in a replicated
 * cache so every node routes to a component with a local read. Each entry is written by the node
 * holding the connection (`restoredBy: 'writer'`); entries of a node that is no longer a member
 * are not routed to, even before the senior removes them.
 */
export class ComponentDirectory {
  constructor(
    private readonly cache: ClusterCache<ComponentRoute>,
    private readonly nodeId: string,
    private readonly members: () => string[],
  ) {}

  /** The live route of a domain, if any node holds it. */
  get(domain: string): ComponentRoute | undefined {
    const route = this.cache.get(domain);
    return route && this.isLive(route.node) ? route : undefined;
  }

  /** This node counts as live for itself even while its own membership is being renewed. */
  isLive(node: string): boolean {
    return node === this.nodeId || this.members().includes(node);
  }

  set(domain: string, route: ComponentRoute): Promise<void> {
    return this.cache.set(domain, route);
  }

  /** Removes the domain's entry when it is still the one of `stream`, so a newer holder's entry stays. */
  async release(domain: string, stream: string): Promise<void> {
    if (this.cache.get(domain)?.stream === stream) await this.cache.delete(domain);
  }

  /** Removes the entries of a node: a lost one's, or this node's left from before a restart. */
  async removeNode(node: string): Promise<void> {
    for (const [domain, route] of this.cache.entries()) if (route.node === node) await this.cache.delete(domain);
  }
}
