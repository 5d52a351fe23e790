import type { Element } from 'ltx';
import { parseXml } from '../../xml';
import type { ClientSession } from '../../session';
import type { CoreContext } from '../../core/core-context';
import type { EntityCaps } from '../caps';
import { localOf, notifyFeature, type PepAudience } from './pep-audience';
import { itemEvent } from './pep-events';
import type { PepStore } from './pep-store';

const subscribedTo = (subscription: string): boolean => subscription === 'to' || subscription === 'both';

/**
 * XEP-0163 "send last published item on presence": a resource that becomes available gets the
 * newest item of each node it advertises `<node>+notify` for, of its own account and of every
 * contact whose presence it may see, when the node's access model lets it read and the node
 * sends its last item on presence. Its capabilities may only become known once it answered
 * the server's disco#info request, so this runs when they do: once per availability, and again
 * when the resource advertises other capabilities (it may follow other nodes now).
 */
export class PepLastItems {
  /** The caps key each resource was last served for. */
  private readonly served = new WeakMap<ClientSession, string>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly store: PepStore,
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
    const owners = await this.ownersVisibleTo(session);
    const nodes = await this.store.nodesOf(owners.map(localOf));
    for (const owner of owners) {
      const followed = nodes.filter((n) => `${n.owner}@${this.ctx.domain}` === owner && n.config.sendLastPublishedItem === 'on_sub_and_presence' && features.has(notifyFeature(n.node)));
      if (followed.length === 0) continue;
      const newest = new Map((await this.store.newestItems(localOf(owner))).map((item) => [item.node, item]));
      for (const { node, config } of followed) {
        const item = newest.get(node);
        if (!item || !(await this.audience.mayRead(owner, session.bareJid, config))) continue;
        if (session.isEnded || !session.available) return;
        session.deliver(itemEvent(owner, session.fullJid, { node, id: item.id, payload: parseXml(item.xml) }));
      }
    }
  }

  /** The session's own account and the contacts it is subscribed to. */
  private async ownersVisibleTo(session: ClientSession): Promise<string[]> {
    const owners = [session.bareJid];
    const roster = await this.ctx.stores.rosters.get(session.jid.local!);
    const local = `@${this.ctx.domain}`;
    for (const item of roster.items) {
      if (subscribedTo(item.subscription) && item.jid.endsWith(local) && !item.jid.includes('/')) owners.push(item.jid);
    }
    return owners;
  }
}
