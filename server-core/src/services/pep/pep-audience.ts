import type { CoreContext } from '../../server/core-context';

const sharesPresenceWith = (subscription: string): boolean => subscription === 'from' || subscription === 'both';

/**
 * Who sees a user's PEP items (the presence access model of XEP-0163): the user and the
 * contacts the user shares presence with, unless the user blocks them.
 */
export class PepAudience {
  constructor(private readonly ctx: CoreContext) {}

  async mayRead(owner: string, reader: string): Promise<boolean> {
    if (owner === reader) return true;
    const item = await this.ctx.stores.rosters.getItem(localOf(owner), reader);
    return item !== undefined && sharesPresenceWith(item.subscription) && !(await this.ctx.blocking.isBlocked(owner, reader));
  }

  /**
   * Full JIDs to notify of a change: every available resource of the owner and of its
   * subscribed contacts, on any node. Entity capabilities (`+notify`) are not consulted: a
   * client that did not ask for a node simply ignores its events.
   */
  async recipients(owner: string): Promise<string[]> {
    const readers = [owner];
    for (const item of (await this.ctx.stores.rosters.get(localOf(owner))).items) {
      if (!sharesPresenceWith(item.subscription) || (await this.ctx.blocking.isBlocked(owner, item.jid))) continue;
      readers.push(item.jid);
    }
    return readers.flatMap((reader) => this.availableResourcesOf(reader));
  }

  private availableResourcesOf(bareJid: string): string[] {
    return this.ctx.routes.resourcesOf(bareJid).filter((route) => route.available).map((route) => route.fullJid);
  }
}

const localOf = (bareJid: string): string => bareJid.slice(0, bareJid.indexOf('@'));
