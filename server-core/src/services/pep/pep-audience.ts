import type { CoreContext } from '../../core/core-context';
import type { EntityCaps } from '../caps';
import type { ServiceRef } from '../../core/service-registry';
import type { BlockingCheck } from '../../core/core-context';

const sharesPresenceWith = (subscription: string): boolean => subscription === 'from' || subscription === 'both';

/** The disco feature by which a client asks for the events of `node` (XEP-0163 filtered notifications). */
export const notifyFeature = (node: string): string => `${node}+notify`;

/**
 * Who sees a user's PEP items (the presence access model of XEP-0163): the user and the
 * contacts the user shares presence with, unless the user blocks them.
 */
export class PepAudience {
  constructor(
    private readonly ctx: CoreContext,
    private readonly caps: EntityCaps,
    /** `current` is undefined while the blocking module is off. */
    private readonly blocking: ServiceRef<BlockingCheck>,
  ) {}

  async mayRead(owner: string, reader: string): Promise<boolean> {
    if (owner === reader) return true;
    const item = await this.ctx.stores.rosters.getItem(localOf(owner), reader);
    return item !== undefined && sharesPresenceWith(item.subscription) && !(await this.blocking.current?.isBlocked(owner, reader));
  }

  /**
   * Full JIDs to notify of a change of `node`: the available resources of the owner and of its
   * subscribed contacts, on any node, whose verified entity capabilities include
   * `<node>+notify`. A resource that advertised no capabilities gets none: most clients ignore
   * most nodes, and every event costs a socket write.
   */
  async recipients(owner: string, node: string): Promise<string[]> {
    const readers = [owner];
    for (const item of (await this.ctx.stores.rosters.get(localOf(owner))).items) {
      if (!sharesPresenceWith(item.subscription) || (await this.blocking.current?.isBlocked(owner, item.jid))) continue;
      readers.push(item.jid);
    }
    const wanted = notifyFeature(node);
    const out: string[] = [];
    for (const reader of readers) {
      for (const route of this.ctx.routes.resourcesOf(reader)) {
        if (route.available && this.caps.featuresOf(route.fullJid)?.has(wanted)) out.push(route.fullJid);
      }
    }
    return out;
  }
}

const localOf = (bareJid: string): string => bareJid.slice(0, bareJid.indexOf('@'));
