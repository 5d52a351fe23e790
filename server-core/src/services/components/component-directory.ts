import type { ClusterCache } from '../../cluster/types';

/** Where one external component is connected. */
export interface ComponentRoute {
  node: string;
  /** The stream that holds the domain (its id). */
  stream: string;
  /** When its handshake succeeded (epoch ms). */
  since: number;
}

export interface ConnectedComponent extends ComponentRoute {
  domain: string;
}

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
    private readonly members: () => string[],
  ) {}

  /** The live route of a domain, if any node holds it. */
  get(domain: string): ComponentRoute | undefined {
    const route = this.cache.get(domain);
    return route && this.members().includes(route.node) ? route : undefined;
  }

  /** The domain's entry as written, live or not. */
  entry(domain: string): ComponentRoute | undefined {
    return this.cache.get(domain);
  }

  set(domain: string, route: ComponentRoute): Promise<void> {
    return this.cache.set(domain, route);
  }

  /** Removes the domain's entry when it is still the one of `stream`, so a newer holder's entry stays. */
  async release(domain: string, stream: string): Promise<void> {
    if (this.cache.get(domain)?.stream === stream) await this.cache.delete(domain);
  }

  /** Every component connected somewhere in the cluster, by domain. */
  connected(): ConnectedComponent[] {
    const members = this.members();
    return this.cache
      .entries()
      .filter(([, route]) => members.includes(route.node))
      .map(([domain, route]) => ({ domain, ...route }))
      .sort((a, b) => a.domain.localeCompare(b.domain));
  }

  /** The domains a node's entries name (a lost node's, or this node's left from before a restart). */
  domainsOfNode(node: string): string[] {
    return this.cache.entries().filter(([, route]) => route.node === node).map(([domain]) => domain);
  }

  async removeNode(node: string): Promise<void> {
    for (const domain of this.domainsOfNode(node)) {
      const route = this.cache.get(domain);
      if (route?.node === node) await this.cache.delete(domain);
    }
  }
}
