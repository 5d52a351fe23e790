import { Element } from 'ltx';
import { NS, parseXml } from '../xml';
import type { CoreContext } from '../server/core-context';
import type { ClientSession } from '../routing';
import { hasHint, hasReadableContent } from './message-hints';

/**
 * XEP-0160 offline storage: which messages are kept for a user with no available resource,
 * and handing them over (stamped with XEP-0203 delay) when a resource becomes available.
 */
export class OfflineMessages {
  constructor(private readonly ctx: CoreContext) {}

  /** Chat states, receipts and the like are worthless later; only readable content is kept unless asked (XEP-0334). */
  static isStorable(message: Element): boolean {
    if (hasHint(message, 'no-store') || hasHint(message, 'no-permanent-store')) return false;
    return hasReadableContent(message) || hasHint(message, 'store');
  }

  /** False when the user's queue is full. */
  store(username: string, message: Element): Promise<boolean> {
    return this.ctx.stores.offline.push(username, message.toString(), this.ctx.limits.offlineMessagesPerUser);
  }

  /** Moves the user's stored messages to the session, oldest first. */
  async flushTo(session: ClientSession): Promise<void> {
    const stored = await this.ctx.stores.offline.take(session.username);
    for (const [index, entry] of stored.entries()) {
      if (session.isEnded) return this.putBack(session.username, stored.slice(index).map((e) => e.xml));
      const message = parseXml(entry.xml);
      message.cnode(this.delay(entry.stamp));
      session.deliver(message);
    }
  }

  private delay(stamp: number): Element {
    return new Element('delay', { xmlns: NS.DELAY, from: this.ctx.domain, stamp: new Date(stamp).toISOString() }).t('Offline storage');
  }

  /** The session went away while its messages were being handed over: keep the rest for the next one. */
  private async putBack(username: string, xmls: string[]): Promise<void> {
    for (const xml of xmls) await this.ctx.stores.offline.push(username, xml, Number.MAX_SAFE_INTEGER);
  }
}
