import type { Element } from 'ltx';
import type { ClientSession } from '../../routing';
import type { CoreContext } from '../../server/core-context';
import type { PepAudience } from './pep-audience';
import { itemEvent } from './pep-events';
import type { PepItemCache } from './pep-item-cache';

const subscribedTo = (subscription: string): boolean => subscription === 'to' || subscription === 'both';

/**
 * XEP-0163 "send last published item on presence": a resource that becomes available gets the
 * current item of every node of its own account and of every contact whose presence it may
 * see, once per availability (again after it went unavailable and came back).
 */
export class PepLastItems {
  private readonly served = new WeakSet<ClientSession>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly items: PepItemCache,
    private readonly audience: PepAudience,
  ) {}

  /** Listener for `presenceChanged`; the returned undo removes it. */
  install(): () => void {
    const listener = (session: ClientSession, presence: Element): void => {
      this.onPresence(session, presence).catch((err) => this.ctx.logger.error({ err, jid: session.fullJid }, 'could not send the last PEP items'));
    };
    this.ctx.events.on('presenceChanged', listener);
    return () => this.ctx.events.off('presenceChanged', listener);
  }

  private async onPresence(session: ClientSession, presence: Element): Promise<void> {
    if (presence.attrs.type === 'unavailable') {
      this.served.delete(session);
      return;
    }
    if (this.served.has(session)) return;
    this.served.add(session);
    await this.items.ready();
    for (const owner of await this.ownersVisibleTo(session)) {
      for (const item of this.items.itemsOf(owner)) {
        if (session.isEnded || !session.available) return;
        session.deliver(itemEvent(owner, session.fullJid, item));
      }
    }
  }

  /** The session's own account and the contacts it is subscribed to who share presence with it. */
  private async ownersVisibleTo(session: ClientSession): Promise<string[]> {
    const owners = [session.bareJid];
    const roster = await this.ctx.stores.rosters.get(session.jid.local!);
    for (const item of roster.items) {
      if (!subscribedTo(item.subscription) || this.items.nodeCount(item.jid) === 0) continue;
      if (await this.audience.mayRead(item.jid, session.bareJid)) owners.push(item.jid);
    }
    return owners;
  }
}
