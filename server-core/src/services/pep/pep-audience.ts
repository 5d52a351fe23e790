import type { CoreContext } from '../../core/core-context';
import type { EntityCaps } from '../caps';
import type { ServiceRef } from '../../core/service-registry';
import type { BlockingCheck } from '../../core/core-context';
import type { PepNodeConfig } from '../../core/pep-api';
import type { StanzaError } from '../../xml';
import type { RosterItem } from '../../storage';
import { pubsubError } from './pep-errors';

const sharesPresenceWith = (subscription: string): boolean => subscription === 'from' || subscription === 'both';

/** The disco feature by which a client asks for the events of `node` (XEP-0163 filtered notifications). */
export const notifyFeature = (node: string): string => `${node}+notify`;

/**
 * Who sees a user's PEP items, per access model (XEP-0060 section 4.5): `open` everybody,
 * `presence` the contacts the user shares presence with, `roster` the contacts in the node's
 * allowed roster groups, `whitelist` the owner alone (XEP-0223 private nodes: this service
 * keeps no whitelist of other JIDs). The owner always; a contact the owner blocks never.
 */
export class PepAudience {
  constructor(
    private readonly ctx: CoreContext,
    private readonly caps: EntityCaps,
    /** `current` is undefined while the blocking module is off. */
    private readonly blocking: ServiceRef<BlockingCheck>,
  ) {}

  /** Why `reader` (a bare JID) may not read the node, or undefined when it may. */
  async refusal(owner: string, reader: string, config: PepNodeConfig): Promise<StanzaError | undefined> {
    if (owner === reader) return undefined;
    if (config.accessModel === 'whitelist') return pubsubError('not-allowed', 'closed-node', 'only the owner reads this node (whitelist access model)');
    if (await this.blocking.current?.isBlocked(owner, reader)) {
      return pubsubError('not-authorized', 'presence-subscription-required', `only contacts subscribed to ${owner} see its PEP items`);
    }
    if (config.accessModel === 'open') return undefined;
    const item = await this.ctx.stores.rosters.getItem(localOf(owner), reader);
    if (config.accessModel === 'presence') {
      return item && sharesPresenceWith(item.subscription)
        ? undefined
        : pubsubError('not-authorized', 'presence-subscription-required', `only contacts subscribed to ${owner} see its PEP items`);
    }
    return item && inAllowedGroup(item, config) ? undefined : pubsubError('not-authorized', 'not-in-roster-group', `only contacts in the allowed roster groups of ${owner} see this node`);
  }

  async mayRead(owner: string, reader: string, config: PepNodeConfig): Promise<boolean> {
    return (await this.refusal(owner, reader, config)) === undefined;
  }

  /**
   * Full JIDs to notify of a change of `node`: the available resources, on any node, of the
   * owner and of the contacts the access model lets read whose verified entity capabilities
   * include `<node>+notify` (a resource that advertised none gets none: most clients ignore
   * most nodes, and every event costs a socket write), and of the explicit subscribers that may
   * still read it.
   */
  async recipients(owner: string, node: string, config: PepNodeConfig, subscribers: readonly string[]): Promise<string[]> {
    const readers = [owner];
    if (config.accessModel !== 'whitelist') {
      for (const item of (await this.ctx.stores.rosters.get(localOf(owner))).items) {
        if (!sharesPresenceWith(item.subscription) || (config.accessModel === 'roster' && !inAllowedGroup(item, config))) continue;
        if (await this.blocking.current?.isBlocked(owner, item.jid)) continue;
        readers.push(item.jid);
      }
    }
    const wanted = notifyFeature(node);
    const out = new Set<string>();
    for (const reader of readers) {
      for (const route of this.ctx.routes.resourcesOf(reader)) {
        if (route.available && this.caps.featuresOf(route.fullJid)?.has(wanted)) out.add(route.fullJid);
      }
    }
    for (const subscriber of subscribers) {
      const slash = subscriber.indexOf('/');
      const bare = slash === -1 ? subscriber : subscriber.slice(0, slash);
      if (!(await this.mayRead(owner, bare, config))) continue;
      for (const route of this.ctx.routes.resourcesOf(bare)) {
        if (route.available && (slash === -1 || route.fullJid === subscriber)) out.add(route.fullJid);
      }
    }
    return [...out];
  }
}

function inAllowedGroup(item: RosterItem, config: PepNodeConfig): boolean {
  return sharesPresenceWith(item.subscription) && item.groups.some((group) => config.rosterGroupsAllowed.includes(group));
}

export const localOf = (bareJid: string): string => bareJid.slice(0, bareJid.indexOf('@'));
