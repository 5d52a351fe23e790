import { Element } from 'ltx';
import { StanzaError, tryParseJid, type Jid } from '../../xml';
import { AFFILIATIONS, AFFILIATION_RANK, MUC_ADMIN, ROLES, type Affiliation, type Occupant, type Role, type RoomState } from './muc-types';
import { affiliationOf, defaultRole, occupantByJid, occupantByNick, ownerCount, rankOf, type RoomRegistry } from './muc-rooms';
import { presenceForViewers, toEveryone, type MucOutput } from './muc-stanzas';
import type { MucPresence } from './muc-presence';

/** muc#admin: roles by nickname (kick, voice, moderator) and affiliations by JID (ban, members, admins, owners). */
export class MucAdmin {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly out: MucOutput,
    private readonly presence: MucPresence,
  ) {}

  async handle(iq: Element, query: Element, from: Jid, room: RoomState): Promise<Element | void> {
    const actor = occupantByJid(room, from.full);
    const items = query.getChildren('item');
    if (items.length === 0) throw new StanzaError('bad-request', 'a muc#admin query carries at least one item');
    if (iq.attrs.type === 'get') return this.list(room, from, actor, items[0]!);
    for (const item of items) await this.apply(room, from, actor, item);
  }

  private list(room: RoomState, from: Jid, actor: Occupant | undefined, item: Element): Element {
    const query = new Element('query', { xmlns: MUC_ADMIN });
    const affiliation = item.attrs.affiliation as Affiliation | undefined;
    const role = item.attrs.role as Role | undefined;
    if (affiliation !== undefined) {
      if (!AFFILIATIONS.includes(affiliation) || affiliation === 'none') throw new StanzaError('bad-request', `no list of affiliation ${String(affiliation)}`);
      if (rankOf(room, from.bare) < AFFILIATION_RANK.admin) throw new StanzaError('forbidden', 'only admins and owners see affiliation lists', 'auth');
      for (const [jid, entry] of Object.entries(room.affiliations)) {
        if (entry.affiliation !== affiliation) continue;
        const out = query.c('item', { affiliation, jid, ...(entry.nick ? { nick: entry.nick } : {}) });
        if (entry.reason) out.c('reason').t(entry.reason);
      }
      return query;
    }
    if (role === undefined || !ROLES.includes(role) || role === 'none') throw new StanzaError('bad-request', 'ask for an affiliation or a role list');
    if (actor?.role !== 'moderator') throw new StanzaError('forbidden', 'only moderators see role lists', 'auth');
    for (const occupant of room.occupants) {
      if (occupant.role === role) query.c('item', { role, nick: occupant.nick, jid: occupant.jids[0]!, affiliation: affiliationOf(room, occupant.bare) });
    }
    return query;
  }

  private async apply(room: RoomState, from: Jid, actor: Occupant | undefined, item: Element): Promise<void> {
    const reason = item.getChildText('reason') ?? undefined;
    if (item.attrs.affiliation !== undefined) {
      let target: string | undefined = tryParseJid(item.attrs.jid as string | undefined)?.bare;
      if (!target && item.attrs.nick) target = occupantByNick(room, String(item.attrs.nick))?.bare;
      if (!target) throw new StanzaError('bad-request', 'an affiliation change names a jid (or the nick of an occupant)');
      return this.setAffiliation(room, from, actor, target, String(item.attrs.affiliation) as Affiliation, item.attrs.nick as string | undefined, reason);
    }
    if (item.attrs.role !== undefined) return this.setRole(room, from, actor, item, String(item.attrs.role) as Role, reason);
    throw new StanzaError('bad-request', 'an item sets a role or an affiliation');
  }

  private async setRole(room: RoomState, from: Jid, actor: Occupant | undefined, item: Element, role: Role, reason: string | undefined): Promise<void> {
    if (!ROLES.includes(role)) throw new StanzaError('bad-request', `unknown role ${role}`);
    if (actor?.role !== 'moderator') throw new StanzaError('forbidden', 'only moderators change roles', 'auth');
    const nick = item.attrs.nick as string | undefined;
    const target = nick !== undefined ? occupantByNick(room, nick) : undefined;
    if (!target) throw new StanzaError('item-not-found', `nobody is called ${String(nick)} in this room`, 'cancel');
    const actorRank = rankOf(room, from.bare);
    const targetRank = rankOf(room, target.bare);
    // A moderator never acts on an admin or owner; moderator status is given and taken by admins.
    if (targetRank >= AFFILIATION_RANK.admin && targetRank >= actorRank && target !== actor) throw new StanzaError('not-allowed', 'you may not change the role of an admin or owner', 'cancel');
    if ((role === 'moderator' || target.role === 'moderator') && actorRank < AFFILIATION_RANK.admin && target !== actor) {
      throw new StanzaError('not-allowed', 'only admins and owners grant or revoke moderation', 'cancel');
    }
    if (role === 'none') return this.presence.remove(room, target, { codes: [307], actor: actor.nick, ...(reason ? { reason } : {}) });
    target.role = role;
    toEveryone(this.out, room, presenceForViewers(room, target, { actor: actor.nick, ...(reason ? { reason } : {}) }));
    await this.rooms.commit(room);
  }

  private async setAffiliation(room: RoomState, from: Jid, actor: Occupant | undefined, target: string, affiliation: Affiliation, nick: string | undefined, reason: string | undefined): Promise<void> {
    if (!AFFILIATIONS.includes(affiliation)) throw new StanzaError('bad-request', `unknown affiliation ${affiliation}`);
    const actorRank = rankOf(room, from.bare);
    const current = affiliationOf(room, target);
    if (actorRank < AFFILIATION_RANK.admin) throw new StanzaError('forbidden', 'only admins and owners change affiliations', 'auth');
    const touchesOwners = affiliation === 'owner' || affiliation === 'admin' || AFFILIATION_RANK[current] >= AFFILIATION_RANK.admin;
    if (touchesOwners && actorRank < AFFILIATION_RANK.owner) throw new StanzaError('not-allowed', 'only owners give or take admin and owner status', 'cancel');
    if (current === 'owner' && affiliation !== 'owner' && ownerCount(room) === 1) throw new StanzaError('conflict', 'a room keeps at least one owner', 'cancel');
    if (affiliation === 'none') delete room.affiliations[target];
    else room.affiliations[target] = { affiliation, nick: nick ?? room.affiliations[target]?.nick ?? null, reason: reason ?? null };
    const actorNick = actor?.nick;
    const extras = { ...(actorNick ? { actor: actorNick } : {}), ...(reason ? { reason } : {}) };
    for (const occupant of room.occupants.filter((o) => o.bare === target)) {
      if (affiliation === 'outcast') {
        await this.presence.remove(room, occupant, { ...extras, codes: [301] });
      } else if (room.config.membersOnly && AFFILIATION_RANK[affiliation] < AFFILIATION_RANK.member) {
        await this.presence.remove(room, occupant, { ...extras, codes: [321] });
      } else {
        occupant.role = defaultRole(affiliation, room.config);
        toEveryone(this.out, room, presenceForViewers(room, occupant, extras));
      }
    }
    await this.rooms.commit(room, { stored: true });
  }
}
