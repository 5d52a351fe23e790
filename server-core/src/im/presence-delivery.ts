import { Element, clone } from 'ltx';
import { parseJid } from '../xml';
import type { CoreContext } from '../core/core-context';
import type { PresenceCache } from './presence-cache';
import type { PresenceEffect } from './subscription-state';

/**
 * The ways presence leaves the server's hands: to a user's available resources, or from a
 * user's available resources to someone else.
 */
export class PresenceDelivery {
  constructor(
    private readonly ctx: CoreContext,
    private readonly cache: PresenceCache,
  ) {}

  /** Delivers to every available resource of `bareJid` on any node; returns how many got it. */
  toAvailableResources(bareJid: string, stanza: Element, except?: string): number {
    let count = 0;
    for (const route of this.ctx.routes.resourcesOf(bareJid)) {
      if (!route.available || route.fullJid === except) continue;
      if (this.ctx.router.deliverToResource(route.fullJid, clone(stanza))) count++;
    }
    return count;
  }

  /**
   * Sends `user`'s current presence (each available resource's last presence) or an
   * unavailable presence from each of them to `to`.
   */
  async fromUser(user: string, to: string, effect: Exclude<PresenceEffect, null>): Promise<void> {
    for (const { fullJid, presence } of this.cache.availableOf(user)) {
      const stanza = effect === 'available' ? presence : new Element('presence', { type: 'unavailable' });
      stanza.attrs.from = fullJid;
      stanza.attrs.to = to;
      await this.ctx.router.route(stanza, parseJid(fullJid));
    }
  }

  /** Routes a stanza the server sends on a user's behalf (stamped with `from`). */
  async send(stanza: Element, from: string): Promise<void> {
    stanza.attrs.from = from;
    await this.ctx.router.route(stanza, parseJid(from));
  }
}
