import { Element, clone } from 'ltx';
import { parseJid } from '../../xml';
import type { CoreContext } from '../../core/core-context';
import { PresenceCache } from '../../im/presence-cache';
import { matchesBlocklist } from './blocked-jid-match';

const subscribed = (subscription: string): boolean => subscription === 'from' || subscription === 'both';

/**
 * XEP-0191 3.3 and 3.4: a contact the user blocks sees the user go offline (one unavailable
 * presence from each of the user's available resources); a contact the user unblocks gets the
 * user's current presence again. Both go only to contacts allowed to see the user's presence
 * (RFC 6121): subscribers (from/both), and those a resource on this node sent directed presence.
 */
export class BlockingPresence {
  private readonly presence: PresenceCache;

  constructor(private readonly ctx: CoreContext) {
    this.presence = new PresenceCache(ctx);
  }

  async blocked(owner: string, jids: readonly string[]): Promise<void> {
    for (const { fullJid } of this.presence.availableOf(owner)) {
      for (const to of await this.audience(owner, fullJid, jids)) {
        await this.send(new Element('presence', { type: 'unavailable', from: fullJid, to }), fullJid);
      }
    }
  }

  async unblocked(owner: string, jids: readonly string[]): Promise<void> {
    for (const { fullJid, presence } of this.presence.availableOf(owner)) {
      for (const to of await this.audience(owner, fullJid, jids)) {
        const copy = clone(presence);
        copy.attrs.from = fullJid;
        copy.attrs.to = to;
        await this.send(copy, fullJid);
      }
    }
  }

  private async audience(owner: string, fullJid: string, jids: readonly string[]): Promise<string[]> {
    if (jids.length === 0) return [];
    const { items } = await this.ctx.stores.rosters.get(owner.slice(0, owner.indexOf('@')));
    const out = new Set(items.filter((item) => subscribed(item.subscription) && matchesBlocklist(jids, item.jid)).map((item) => item.jid));
    for (const target of this.ctx.sessions.get(fullJid)?.directedPresenceTo ?? []) {
      if (matchesBlocklist(jids, target)) out.add(target);
    }
    return [...out];
  }

  /** Routed as from the resource itself, past the user's own blocking (which would drop it). */
  private send(presence: Element, fullJid: string): Promise<void> {
    return this.ctx.router.route(presence, parseJid(fullJid));
  }
}
