import type { RosterItem } from '../storage/stores';
import type { CoreContext } from '../server/core-context';
import { isEmpty, isListed, removedItemElement, rosterItemElement } from './roster-item-xml';
import { RosterOwnerLocks } from './roster-owner-locks';
import type { RosterPusher } from './roster-push';

/** Rosters are stored under the owner's username; the IM layer speaks bare JIDs of this domain. */
function usernameOf(owner: string): string {
  return owner.slice(0, owner.indexOf('@'));
}

/**
 * Every read and change of a user's roster goes through here: stored, then pushed to the user's
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
    return this.ctx.stores.rosters.getItem(usernameOf(owner), contact);
  }

  /** Served from memory by the server's CachedRosterStore. */
  all(owner: string): Promise<{ version: string; items: RosterItem[] }> {
    return this.ctx.stores.rosters.get(usernameOf(owner));
  }

  /** Stores `next` in place of `previous`; an unseen request item answered with a denial is dropped. */
  async save(owner: string, previous: RosterItem | undefined, next: RosterItem): Promise<void> {
    if (previous !== undefined && !isListed(previous) && isEmpty(next)) {
      await this.ctx.stores.rosters.remove(usernameOf(owner), next.jid);
      return;
    }
    const version = await this.ctx.stores.rosters.put(usernameOf(owner), next);
    if (isListed(next)) this.pusher.push(owner, rosterItemElement(next), version);
  }

  async remove(owner: string, item: RosterItem): Promise<void> {
    const version = await this.ctx.stores.rosters.remove(usernameOf(owner), item.jid);
    if (version !== undefined && isListed(item)) this.pusher.push(owner, removedItemElement(item.jid), version);
  }
}
