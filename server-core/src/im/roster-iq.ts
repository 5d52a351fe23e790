import { Element } from 'ltx';
import { NS, StanzaError, appendChildrenInTurns } from '../xml';
import type { IqRequest } from '../routing';
import { isListed, newRosterItem, rosterItemElement } from './roster-item-xml';
import type { RosterEditor } from './roster-editor';
import { parseRosterSet } from './roster-set-request';
import type { SubscriptionHandler } from './subscription-handler';
import type { ServiceRef } from '../core/service-registry';

/** Answers roster get and set (RFC 6121 2.1-2.5, versioning 2.6). */
export class RosterIq {
  constructor(
    private readonly roster: RosterEditor,
    /** `current` is undefined while the presence module is off: a removed contact is then just removed. */
    private readonly subscriptions: ServiceRef<Pick<SubscriptionHandler, 'removeItem'>>,
  ) {}

  async handle({ iq, payload, from, to, session }: IqRequest): Promise<Element | void> {
    if (from.bare !== to.bare) throw new StanzaError('forbidden', 'only the owner may read or change a roster');
    if (iq.attrs.type === 'get') {
      if (session) session.rosterRequested = true;
      return this.get(to.bare, payload.attrs.ver as string | undefined);
    }
    return this.set(to.bare, payload);
  }

  private async get(owner: string, clientVersion: string | undefined): Promise<Element | void> {
    const { version, items } = await this.roster.all(owner);
    // Same version: the client's copy is current; an empty result says so (2.6.3).
    if (clientVersion !== undefined && clientVersion === version) return;
    const query = new Element('query', { xmlns: NS.ROSTER, ver: version });
    return appendChildrenInTurns(query, items.filter(isListed), rosterItemElement);
  }

  private async set(owner: string, query: Element): Promise<void> {
    const request = parseRosterSet(query, owner);
    if (request instanceof StanzaError) throw request;
    if (request.kind === 'remove') {
      const removed = await this.roster.exclusive(owner, async () => {
        const item = await this.roster.item(owner, request.jid);
        if (item && this.subscriptions.current) await this.subscriptions.current.removeItem(owner, item);
        else if (item) await this.roster.remove(owner, item);
        return item !== undefined;
      });
      if (!removed) throw new StanzaError('item-not-found', `${request.jid} is not in the roster`);
      return;
    }
    await this.roster.exclusive(owner, async () => {
      const previous = await this.roster.item(owner, request.jid);
      const next = { ...(previous ?? newRosterItem(request.jid)), name: request.name, groups: request.groups };
      await this.roster.save(owner, previous, next);
    });
  }
}
