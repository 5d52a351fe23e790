import { Element } from 'ltx';
import { NS, parseXml, type StanzaError } from '../xml';
import type { CoreContext } from '../core/core-context';
import { limitError } from '../core/limit-error';
import type { ClientSession } from '../session';
import type { OfflineMessage } from '../storage/stores';
import { hasHint, hasReadableContent } from './message-hints';
import { OwnerLocks } from './owner-locks';

/**
 * One batch of a login's offline delivery. Small enough that a batch never comes near the
 * stream's limit of unread output (4 MiB), large enough that a long queue is few round trips.
 */
const OFFLINE_BATCH = { maxMessages: 50, maxBytes: 512 * 1024 };

/**
 * XEP-0160 offline storage: which messages are kept for a user with no available resource,
 * and handing them over (stamped with XEP-0203 delay) when a resource becomes available.
 *
 * Nothing is deleted before it was handed over: each batch is written to the session and
 * removed from the store only once `session.handedOver()` says so (today: written to the
 * socket). A session that ends, or a node that dies, part way leaves the rest stored for the
 * next login; a crash between writing a batch and removing it delivers that batch again, so
 * a client may see a message twice but never loses one.
 */
export class OfflineMessages {
  private readonly deliveries = new OwnerLocks();

  constructor(
    private readonly ctx: CoreContext,
    /** Told of each message once it is stored (XEP-0357 push notifications, other nodes' sessions). */
    private readonly stored: (username: string, message: Element, options: { announced: boolean }) => void = () => undefined,
  ) {}

  /** Chat states, receipts and the like are worthless later; only readable content is kept unless asked (XEP-0334). */
  static isStorable(message: Element): boolean {
    if (hasHint(message, 'no-store') || hasHint(message, 'no-permanent-store')) return false;
    return hasReadableContent(message) || hasHint(message, 'store');
  }

  /** Undefined when stored; otherwise the error for the sender (XEP-0160: service-unavailable), naming the limit. */
  async store(username: string, message: Element, { announced = false }: { announced?: boolean } = {}): Promise<StanzaError | undefined> {
    const { limits } = this.ctx;
    const quota = { messages: limits.offlineMessagesPerUser, bytes: limits.offlineBytesPerUser };
    const outcome = await this.ctx.stores.offline.push(username, message.toString(), quota);
    if (outcome.stored) {
      this.stored(username, message, { announced });
      return undefined;
    }
    const key = outcome.full === 'messages' ? 'offlineMessagesPerUser' : 'offlineBytesPerUser';
    return limitError('service-unavailable', 'the recipient is offline and their offline message store is full', limits, key);
  }

  /** Hands the user's stored messages to the session, oldest first, batch by batch. */
  flushTo(session: ClientSession): Promise<void> {
    return this.deliveries.run(session.username, () => this.deliverAll(session));
  }

  private async deliverAll(session: ClientSession): Promise<void> {
    let afterId = 0;
    while (!session.isEnded) {
      const batch = await this.ctx.stores.offline.peek(session.username, { afterId, ...OFFLINE_BATCH });
      if (batch.length === 0 || session.isEnded) return;
      for (const entry of batch) this.deliverOne(session, entry);
      if (!(await session.handedOver())) return;
      await this.ctx.stores.offline.remove(session.username, batch.map((entry) => entry.id));
      afterId = batch[batch.length - 1].id;
    }
  }

  /** A row that no longer parses is logged and dropped with its batch, so it cannot hold up every later message. */
  private deliverOne(session: ClientSession, entry: OfflineMessage): void {
    let message: Element;
    try {
      message = parseXml(entry.xml);
    } catch (err) {
      this.ctx.logger.error({ err, jid: session.fullJid, id: entry.id }, 'unreadable offline message dropped');
      return;
    }
    // A message stored again (stream management at the end of an unacknowledged session) keeps its first stamp.
    if (!message.getChildren('delay', NS.DELAY).some((delay) => delay.attrs.from === this.ctx.domain)) message.cnode(this.delay(entry.stamp));
    session.deliver(message);
  }

  private delay(stamp: number): Element {
    return new Element('delay', { xmlns: NS.DELAY, from: this.ctx.domain, stamp: new Date(stamp).toISOString() }).t('Offline Storage');
  }
}
