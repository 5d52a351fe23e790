import { parseXml } from '../../xml';
import type { Cluster, ClusterCache } from '../../cluster/types';
import type { Logger } from '../../log';
import type { PepItem } from '../../core/pep-api';

interface StoredItem {
  id: string;
  xml: string;
}

/**
 * The last item of every PEP node in the cluster, in a replicated cache (key: owner bare JID,
 * a space, node name) so every node answers retrievals and login deliveries from memory. A bare
 * JID never holds a space, so the key splits unambiguously. Items live as long as the cluster
 * does: a restart of every node forgets them, and clients publish again when they connect.
 */
export class PepItemCache {
  private readonly cache: ClusterCache<{ id: string; xml: string }>;
  /** owner -> node names, derived on each node from the cache. */
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(
    cluster: Cluster,
    private readonly logger: Logger,
  ) {
    this.cache = cluster.createCache('xmpp-pep');
    this.rebuildIndex();
    this.cache.on('entry', this.onEntry);
    this.cache.on('cleared', this.onCleared);
  }

  /** Stops following the cache; the items stay in it. */
  dispose(): void {
    this.cache.off('entry', this.onEntry);
    this.cache.off('cleared', this.onCleared);
  }

  /** Resolves once this node's copy holds the cluster's items. */
  ready(): Promise<void> {
    return this.cache.ready();
  }

  get(owner: string, node: string): PepItem | undefined {
    const stored = this.cache.get(keyOf(owner, node));
    return stored ? this.toItem(owner, node, stored) : undefined;
  }

  /** Every node of `owner` that holds an item, with that item. */
  itemsOf(owner: string): PepItem[] {
    const out: PepItem[] = [];
    for (const node of this.byOwner.get(owner) ?? []) {
      const item = this.get(owner, node);
      if (item) out.push(item);
    }
    return out;
  }

  nodeCount(owner: string): number {
    return this.byOwner.get(owner)?.size ?? 0;
  }

  set(owner: string, item: PepItem): Promise<void> {
    const key = keyOf(owner, item.node);
    this.index(key);
    return this.cache.set(key, { id: item.id, xml: item.payload.toString() });
  }

  delete(owner: string, node: string): Promise<void> {
    const key = keyOf(owner, node);
    this.unindex(key);
    return this.cache.delete(key);
  }

  private toItem(owner: string, node: string, stored: StoredItem): PepItem | undefined {
    try {
      return { node, id: stored.id, payload: parseXml(stored.xml) };
    } catch (err) {
      this.logger.error({ err, owner, node }, 'unreadable PEP item');
      return undefined;
    }
  }

  private readonly onEntry = ({ key, value }: { key: string; value: StoredItem | undefined }): void =>
    value === undefined ? this.unindex(key) : this.index(key);

  private readonly onCleared = (): void => this.rebuildIndex();

  private index(key: string): void {
    const [owner, node] = splitKey(key);
    let nodes = this.byOwner.get(owner);
    if (!nodes) this.byOwner.set(owner, (nodes = new Set()));
    nodes.add(node);
  }

  private unindex(key: string): void {
    const [owner, node] = splitKey(key);
    const nodes = this.byOwner.get(owner);
    if (!nodes) return;
    nodes.delete(node);
    if (nodes.size === 0) this.byOwner.delete(owner);
  }

  private rebuildIndex(): void {
    this.byOwner.clear();
    for (const key of this.cache.keys()) this.index(key);
  }
}

const keyOf = (owner: string, node: string): string => `${owner} ${node}`;

function splitKey(key: string): [string, string] {
  const space = key.indexOf(' ');
  return [key.slice(0, space), key.slice(space + 1)];
}
