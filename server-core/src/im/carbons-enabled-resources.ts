import type { ClusterCache } from '../cluster/types';
import type { LostNode } from '../cluster/node-lost-handlers';
import type { ClientSession } from '../session';
import type { CoreContext } from '../core/core-context';

export const CARBONS_CACHE = 'xmpp-carbons';

/**
 * Which resources have carbons enabled, cluster-wide. The flag lives on the session, but copies
 * go to resources on any node, so each node mirrors its sessions' flag into a replicated cache:
 * full JID -> node that holds the session. An entry counts only while the route table still
 * puts that resource on the same node, so entries left behind by a node that died never
 * reach a later session with the same full JID elsewhere; a session bound again on the same
 * node clears the entry when it is created.
 */
export class CarbonsEnabledResources {
  private readonly cache: ClusterCache<string>;

  constructor(private readonly ctx: CoreContext) {
    this.cache = ctx.cluster.createCache<string>(CARBONS_CACHE);
  }

  async enable(session: ClientSession): Promise<void> {
    session.carbonsEnabled = true;
    await this.cache.set(session.fullJid, this.ctx.nodeId);
  }

  async disable(session: ClientSession): Promise<void> {
    session.carbonsEnabled = false;
    await this.forget(session.fullJid);
  }

  /** A freshly bound resource starts with carbons off, whatever an earlier session of that full JID did. */
  async sessionCreated(session: ClientSession): Promise<void> {
    await this.forget(session.fullJid);
  }

  async sessionDestroyed(session: ClientSession): Promise<void> {
    // A replacement of this full JID (here or on another node) may already own the entry.
    if (this.ctx.sessions.get(session.fullJid)) return;
    if (this.cache.get(session.fullJid) === this.ctx.nodeId) await this.cache.delete(session.fullJid);
  }

  /** A lost node's entries go with it (a later session of the same full JID elsewhere has its own). */
  async nodeLost({ nodeId, resources, mayAct }: LostNode): Promise<void> {
    for (const { fullJid } of resources) {
      if (!mayAct()) return;
      if (this.cache.get(fullJid) === nodeId) await this.cache.delete(fullJid);
    }
  }

  /** The online carbons-enabled resources of `bareJid`, except those in `except`. */
  resourcesOf(bareJid: string, except: ReadonlySet<string>): string[] {
    return this.ctx.routes
      .resourcesOf(bareJid)
      .filter((route) => !except.has(route.fullJid) && this.cache.get(route.fullJid) === route.node)
      .map((route) => route.fullJid);
  }

  private async forget(fullJid: string): Promise<void> {
    if (this.cache.has(fullJid)) await this.cache.delete(fullJid);
  }
}
