import type { Element } from 'ltx';
import type { ClientSession } from '../../session';
import type { CoreContext } from '../../core/core-context';
import type { EntityCaps } from '../caps';
import { notifyFeature, type PepAudience } from './pep-audience';
import { itemEvent } from './pep-events';
import type { PepItemCache } from './pep-item-cache';

const subscribedTo = (subscription: string): boolean => subscription === 'to' || subscription === 'both';

/**
 * XEP-0163 "send last published item on presence": a resource that becomes available gets the
 * current item of each node it advertises `<node>+notify` for, of its own account and of every
 * contact whose presence it may see. Its capabilities may only become known once it answered
 * the server's disco#info request, so this runs when they do: once per availability, and again
 * when the resource advertises other capabilities (it may follow other nodes now).
 */
export class PepLastItems {
  /** The caps key each resource was last served for. */
  private readonly served = new WeakMap<ClientSession, string>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly items: PepItemCache,
    private readonly audience: PepAudience,
    private readonly caps: EntityCaps,
  ) {}

  /** The returned undo removes the listeners. */
  install(): () => void {
    const onPresence = (session: ClientSession, presence: Element): void => {
      if (presence.attrs.type === 'unavailable') this.served.delete(session);
    };
    const offPresence = this.ctx.events.on('presenceChanged', onPresence);
    const offFeatures = this.caps.onFeaturesKnown((session, features, key) => {
      if (this.served.get(session) === key) return;
      this.served.set(session, key);
      this.serve(session, features).catch((err) => this.ctx.logger.error({ err, jid: session.fullJid }, 'could not send the last PEP items'));
    });
    return () => {
      offPresence();
      offFeatures();
    };
  }

  private async serve(session: ClientSession, features: ReadonlySet<string>): Promise<void> {
    if (![...features].some((feature) => feature.endsWith('+notify'))) return;
    await this.items.ready();
    for (const owner of await this.ownersVisibleTo(session)) {
      for (const item of this.items.itemsOf(owner)) {
        if (session.isEnded || !session.available) return;
        if (features.has(notifyFeature(item.node))) session.deliver(itemEvent(owner, session.fullJid, item));
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
