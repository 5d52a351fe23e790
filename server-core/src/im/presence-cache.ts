import type { Element } from 'ltx';
import { parseXml } from '../xml';
import type { ClusterCache } from '../cluster/types';
import type { LostNode } from '../cluster/node-lost-handlers';
import type { CoreContext } from '../core/core-context';

/** The replicated cache's name; entity caps read the presences it holds. */
export const PRESENCE_CACHE = 'xmpp-presence';

/**
 * The last available presence of every available resource in the cluster (full JID ->
 * presence XML), replicated so any node answers a probe from local memory instead of
 * asking the node that holds the session. Readers only trust entries for resources the
 * route table still lists as available, so an entry left by a crashed node is harmless.
 */
export class PresenceCache {
  private readonly cache: ClusterCache<string>;

  constructor(private readonly ctx: CoreContext) {
    this.cache = ctx.cluster.createCache<string>(PRESENCE_CACHE);
  }

  set(fullJid: string, presence: Element): Promise<void> {
    return this.cache.set(fullJid, presence.toString());
  }

  /** See ClusterCache.settled. */
  settled(): Promise<void> {
    return this.cache.settled();
  }

  delete(fullJid: string): Promise<void> {
    return this.cache.has(fullJid) ? this.cache.delete(fullJid) : Promise.resolve();
  }

  /** The last presences of a lost node's resources go before their unavailable presence is sent. */
  async nodeLost({ resources, mayAct }: LostNode): Promise<void> {
    for (const { fullJid } of resources) {
      if (!mayAct()) return;
      await this.delete(fullJid);
    }
  }

  /** The available resources of `bareJid` with their last presence. */
  availableOf(bareJid: string): Array<{ fullJid: string; presence: Element }> {
    const out: Array<{ fullJid: string; presence: Element }> = [];
    for (const route of this.ctx.routes.resourcesOf(bareJid)) {
      if (!route.available) continue;
      const xml = this.cache.get(route.fullJid);
      if (xml === undefined) continue;
      try {
        out.push({ fullJid: route.fullJid, presence: parseXml(xml) });
      } catch (err) {
        this.ctx.logger.error({ err, jid: route.fullJid }, 'unreadable cached presence');
      }
    }
    return out;
  }
}
