import type { RosterItem } from '../storage/stores';
import type { CoreContext } from '../core/core-context';
import { limitError } from '../core/limit-error';
import { isEmpty, isListed, removedItemElement, rosterItemElement } from './roster-item-xml';
import { OwnerLocks } from './owner-locks';
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
  private readonly locks = new OwnerLocks();

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

  /**
   * Stores `next` in place of `previous`; an unseen request item answered with a denial is
   * dropped. A new item on a full roster throws the StanzaError that says so.
   */
  async save(owner: string, previous: RosterItem | undefined, next: RosterItem): Promise<void> {
    if (previous !== undefined && !isListed(previous) && isEmpty(next)) {
      await this.ctx.stores.rosters.remove(usernameOf(owner), next.jid);
      return;
    }
    if (previous === undefined) await this.checkRoom(owner);
    const version = await this.ctx.stores.rosters.put(usernameOf(owner), next);
    if (isListed(next)) this.pusher.push(owner, rosterItemElement(next), version);
  }

  /** A new item needs room: the roster is capped so its fetch and every presence fan-out stay bounded. */
  private async checkRoom(owner: string): Promise<void> {
    const { items } = await this.all(owner);
    if (items.length >= this.ctx.limits.rosterItemsPerUser) {
      throw limitError('resource-constraint', `the roster of ${owner} is full: remove a contact first`, this.ctx.limits, 'rosterItemsPerUser');
    }
  }

  async remove(owner: string, item: RosterItem): Promise<void> {
    const version = await this.ctx.stores.rosters.remove(usernameOf(owner), item.jid);
    if (version !== undefined && isListed(item)) this.pusher.push(owner, removedItemElement(item.jid), version);
  }
}
