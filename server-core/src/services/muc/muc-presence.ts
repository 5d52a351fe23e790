import { Element } from 'ltx';
import { StanzaError, parseXml, type Jid } from '../../xml';
import { affiliationOf, defaultRole, occupantByJid, occupantByNick, rankOf, type RoomRegistry } from './muc-rooms';
import { addressed, delayed, occupantPresence, presenceForViewers, storedPresence, toEveryone, type MucOutput, type PresenceExtras } from './muc-stanzas';
import { AFFILIATION_RANK, MUC, type Occupant, type RoomState } from './muc-types';

const MAX_NICK = 200;

/** Presence to an occupant JID: join, presence changes, nickname changes and leaving (XEP-0045 7.1-7.2, 7.6, 7.14). */
export class MucPresence {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly out: MucOutput,
  ) {}

  async handle(stanza: Element, from: Jid, to: Jid): Promise<void> {
    const type = stanza.attrs.type as string | undefined;
    if (type === 'error' || (type !== undefined && type !== 'unavailable')) return;
    if (to.resource === null) {
      if (type === undefined) throw new StanzaError('jid-malformed', 'join a room at room@service/nickname');
      return;
    }
    const room = await this.rooms.find(to.bare);
    const occupant = room ? occupantByJid(room, from.full) : undefined;
    if (type === 'unavailable') {
      if (room && occupant) await this.leave(room, occupant, from.full, stanza);
      return;
    }
    if (room && occupant) {
      if (occupant.nick === to.resource) return this.changePresence(room, occupant, stanza);
      return this.changeNick(room, occupant, to.resource, stanza);
    }
    return this.join(room, stanza, from, to.bare, to.resource);
  }

  private async join(existing: RoomState | undefined, stanza: Element, from: Jid, roomJid: string, nick: string): Promise<void> {
    if (nick.length > MAX_NICK) throw new StanzaError('not-acceptable', `a nickname has at most ${MAX_NICK} characters`);
    const created = !existing;
    if (created && this.rooms.ownedBy(from.bare) >= this.rooms.limits.maxRoomsPerUser) {
      throw new StanzaError('resource-constraint', `you own ${this.rooms.limits.maxRoomsPerUser} active rooms, the most one account may; leave or destroy one first`, 'wait');
    }
    const room = existing ?? this.rooms.create(roomJid, from.bare);
    const affiliation = affiliationOf(room, from.bare);
    try {
      this.admit(room, stanza, from, nick);
    } catch (err) {
      if (created) await this.rooms.destroy(room);
      throw err;
    }
    const same = occupantByNick(room, nick);
    if (same) {
      // Another resource of the same account joins under the same nickname (multi-session).
      same.jids.push(from.full);
      this.sendRoomTo(room, same, from.full, stanza, []);
      await this.rooms.commit(room);
      return;
    }
    const occupant: Occupant = { nick, bare: from.bare, jids: [from.full], role: defaultRole(affiliation, room.config), presence: storedPresence(stanza) };
    room.occupants.push(occupant);
    // Everyone else learns of the newcomer, then the newcomer learns the room (XEP-0045 7.2.3).
    const presence = presenceForViewers(room, occupant);
    toEveryone(this.out, room, (viewer) => (viewer === occupant ? null : presence(viewer)));
    const codes = [...(room.config.whois === 'anyone' ? [100] : []), ...(created ? [201] : [])];
    this.sendRoomTo(room, occupant, from.full, stanza, codes);
    await this.rooms.commit(room, { stored: created });
  }

  /** Refuses an entry the room's rules forbid, in the order of XEP-0045 7.2. */
  private admit(room: RoomState, stanza: Element, from: Jid, nick: string): void {
    const affiliation = affiliationOf(room, from.bare);
    if (room.locked && affiliation !== 'owner') throw new StanzaError('item-not-found', 'this room is being set up by its owner; try again later', 'cancel');
    if (affiliation === 'outcast') throw new StanzaError('forbidden', 'you are banned from this room', 'auth');
    if (room.config.membersOnly && rankOf(room, from.bare) < AFFILIATION_RANK.member) {
      throw new StanzaError('registration-required', 'this room is for members only', 'auth');
    }
    const holder = occupantByNick(room, nick);
    if (holder && holder.bare !== from.bare) throw new StanzaError('conflict', `the nickname ${nick} is in use in this room`, 'cancel');
    const reservedBy = Object.entries(room.affiliations).find(([jid, a]) => a.nick === nick && jid !== from.bare);
    if (reservedBy) throw new StanzaError('conflict', `the nickname ${nick} is reserved in this room`, 'cancel');
    const password = stanza.getChild('x', MUC)?.getChildText('password') ?? null;
    if (room.config.password && affiliation !== 'owner' && password !== room.config.password) {
      throw new StanzaError('not-authorized', 'this room needs a password', 'auth');
    }
    if (!holder && room.occupants.length >= room.config.maxUsers && rankOf(room, from.bare) < AFFILIATION_RANK.admin) {
      throw new StanzaError('service-unavailable', `this room is full (${room.config.maxUsers} occupants)`, 'wait');
    }
  }

  /** What a resource entering the room receives: the occupants, itself, the history, the subject. */
  private sendRoomTo(room: RoomState, occupant: Occupant, jid: string, stanza: Element, codes: number[]): void {
    for (const other of room.occupants) {
      if (other !== occupant) this.out.deliver(jid, addressed(occupantPresence(room, other, occupant), jid));
    }
    this.out.deliver(jid, addressed(occupantPresence(room, occupant, occupant, { codes }), jid));
    for (const message of selectHistory(room, stanza.getChild('x', MUC)?.getChild('history'))) this.out.deliver(jid, addressed(message, jid));
    const subject = new Element('message', { from: room.subject?.nick ? `${room.jid}/${room.subject.nick}` : room.jid, to: jid, type: 'groupchat' });
    subject.c('subject').t(room.subject?.text ?? '');
    this.out.deliver(jid, subject);
  }

  private async changePresence(room: RoomState, occupant: Occupant, stanza: Element): Promise<void> {
    occupant.presence = storedPresence(stanza);
    toEveryone(this.out, room, presenceForViewers(room, occupant));
    await this.rooms.commit(room);
  }

  private async changeNick(room: RoomState, occupant: Occupant, nick: string, stanza: Element): Promise<void> {
    if (nick.length > MAX_NICK) throw new StanzaError('not-acceptable', `a nickname has at most ${MAX_NICK} characters`);
    const holder = occupantByNick(room, nick);
    const reserved = Object.entries(room.affiliations).some(([owner, a]) => a.nick === nick && owner !== occupant.bare);
    if ((holder && holder !== occupant) || reserved) throw new StanzaError('conflict', `the nickname ${nick} is in use in this room`, 'cancel');
    if (occupant.jids.length > 1) throw new StanzaError('not-acceptable', 'leave with your other resources before changing the nickname');
    toEveryone(this.out, room, presenceForViewers(room, occupant, { unavailable: true, codes: [303], newNick: nick }));
    occupant.nick = nick;
    occupant.presence = storedPresence(stanza);
    toEveryone(this.out, room, presenceForViewers(room, occupant));
    await this.rooms.commit(room);
  }

  private async leave(room: RoomState, occupant: Occupant, jid: string, stanza: Element): Promise<void> {
    const status = stanza.getChildText('status');
    if (occupant.jids.length > 1) {
      occupant.jids = occupant.jids.filter((j) => j !== jid);
      this.out.deliver(jid, addressed(occupantPresence(room, { ...occupant, jids: [jid] }, { ...occupant, jids: [jid] }, { unavailable: true, codes: [110] }), jid));
      await this.rooms.commit(room);
      return;
    }
    await this.remove(room, occupant, status ? { status } : {});
  }

  /**
   * Takes an occupant out (leaving, kicked, banned, its node lost) and tells everyone, the
   * occupant included, once; an empty temporary room ends.
   */
  async remove(room: RoomState, occupant: Occupant, extras: PresenceExtras): Promise<void> {
    toEveryone(this.out, room, presenceForViewers(room, occupant, { ...extras, unavailable: true }));
    room.occupants = room.occupants.filter((o) => o !== occupant);
    await this.rooms.commit(room);
  }
}

/** The history a joining resource asked for (XEP-0045 7.2.15), each message with its delay. */
export function selectHistory(room: RoomState, request: Element | undefined): Element[] {
  const attr = (name: string): number | undefined => {
    const raw = request?.attrs[name] as string | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const maxStanzas = attr('maxstanzas');
  const maxChars = attr('maxchars');
  const seconds = attr('seconds');
  const sinceRaw = request?.attrs.since as string | undefined;
  const since = sinceRaw ? Date.parse(sinceRaw) : NaN;
  const now = Date.now();
  let entries = room.history.filter((h) => (seconds === undefined || h.stamp >= now - seconds * 1000) && (Number.isNaN(since) || h.stamp > since));
  if (maxStanzas !== undefined) entries = maxStanzas === 0 ? [] : entries.slice(-maxStanzas);
  const messages: Element[] = [];
  let chars = 0;
  for (const entry of [...entries].reverse()) {
    const message = delayed(parseXml(entry.xml), entry.stamp, room.jid);
    chars += message.toString().length;
    if (maxChars !== undefined && chars > maxChars) break;
    messages.unshift(message);
  }
  return messages;
}
