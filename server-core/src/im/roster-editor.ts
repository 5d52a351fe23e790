import type { RosterItem } from '../storage/stores';
import type { CoreContext } from '../server/core-context';
import { isEmpty, isListed, removedItemElement, rosterItemElement } from './roster-item-xml';
import { RosterOwnerLocks } from './roster-owner-locks';
import type { RosterPusher } from './roster-push';

/**
 * Every change to a user's roster goes through here: stored, then pushed to the user's
 * interested resources when the user can see the item.
 */
export class RosterEditor {
  private readonly locks = new RosterOwnerLocks();

  constructor(
    private readonly ctx: CoreContext,
    private readonly pusher: RosterPusher,
  ) {}

  /** Runs a read-modify-write of `owner`'s roster without interleaving with another one on this node. */
  exclusive<T>(owner: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(owner, work);
  }

  item(owner: string, contact: string): Promise<RosterItem | undefined> {
    return this.ctx.stores.rosters.getItem(owner, contact);
  }

  /** Stores `next` in place of `previous`; an unseen request item answered with a denial is dropped. */
  async save(owner: string, previous: RosterItem | undefined, next: RosterItem): Promise<void> {
    if (previous !== undefined && !isListed(previous) && isEmpty(next)) {
      await this.ctx.stores.rosters.remove(owner, next.jid);
      return;
    }
    const version = await this.ctx.stores.rosters.put(owner, next);
    if (isListed(next)) this.pusher.push(owner, rosterItemElement(next), version);
  }

  async remove(owner: string, item: RosterItem): Promise<void> {
    const version = await this.ctx.stores.rosters.remove(owner, item.jid);
    if (version !== undefined && isListed(item)) this.pusher.push(owner, removedItemElement(item.jid), version);
  }
}
