import { Element } from 'ltx';
import { NS, StanzaError, iqPayload, iqResult, type Jid } from '../../xml';
import type { Logger } from '../../log';
import { MucAdmin } from './muc-admin';
import { MucArchive } from './muc-archive';
import type { RoomTurn } from './muc-forward-ledger';
import { roomFeatures, roomInfoForm } from './muc-forms';
import { MucMessages } from './muc-messages';
import { MucOwner } from './muc-owner';
import { MucPresence } from './muc-presence';
import { occupantByJid, occupantByNick, type RoomRegistry } from './muc-rooms';
import { addressed, type MucOutput } from './muc-stanzas';
import { MUC, MUC_ADMIN, MUC_OWNER, OCCUPANT_ID, type RoomState } from './muc-types';

export interface MucServiceOptions {
  /** Shown in disco. */
  name: string;
}

/**
 * The multi-user chat service on the node that owns the rooms: every stanza to the service, a
 * room or an occupant JID ends up here, one room's stanzas one at a time.
 */
export class MucService {
  private readonly presence: MucPresence;
  private readonly messages: MucMessages;
  private readonly admin: MucAdmin;
  private readonly owner: MucOwner;
  private readonly out: MucOutput;
  /** Occupant resources a delivery found offline: they left without telling the room. */
  private readonly unreachable = new Set<string>();

  constructor(
    private readonly rooms: RoomRegistry,
    output: MucOutput,
    private readonly options: MucServiceOptions,
    private readonly reject: (stanza: Element, error: StanzaError) => void,
    private readonly archive: MucArchive,
    logger: Logger,
  ) {
    this.out = {
      deliver: (jid, stanza) => {
        const delivered = output.deliver(jid, stanza);
        if (!delivered) this.unreachable.add(jid);
        return delivered;
      },
      deliverToEach: (jids, stanza) => {
        const offline = output.deliverToEach(jids, stanza);
        for (const jid of offline) this.unreachable.add(jid);
        return offline;
      },
      route: (stanza, from) => output.route(stanza, from),
    };
    const out = this.out;
    this.presence = new MucPresence(rooms, out);
    this.messages = new MucMessages(rooms, out, archive, logger);
    this.admin = new MucAdmin(rooms, out, this.presence);
    this.owner = new MucOwner(rooms, out);
  }

  /** `turn` is told when the stanza's turn in its room begins and ends (see ForwardLedger). */
  handle(stanza: Element, from: Jid, to: Jid, turn?: RoomTurn): Promise<void> {
    const work = async () => {
      turn?.begin();
      try {
        await this.dispatch(stanza, from, to);
      } catch (err) {
        if (err instanceof StanzaError) return this.reject(stanza, err);
        throw err;
      } finally {
        try {
          if (to.local !== null && this.unreachable.size > 0) await this.dropUnreachable(to.bare);
        } finally {
          turn?.end();
        }
      }
    };
    return to.local === null ? work() : this.rooms.serial(to.bare, work);
  }

  /** The occupants that were on a lost node leave, each once, as if they had gone offline. */
  async resourcesLost(fullJids: readonly string[]): Promise<void> {
    const lost = new Set(fullJids);
    if (lost.size === 0) return;
    for (const jid of this.rooms.activeJids()) await this.rooms.serial(jid, () => this.removeResources(jid, lost));
  }

  /**
   * Occupants a delivery found offline (a session that ended without its unavailable presence
   * reaching the room) leave, so the room never keeps ghosts. Runs inside the room's turn.
   */
  private async dropUnreachable(roomJid: string): Promise<void> {
    const gone = new Set(this.unreachable);
    this.unreachable.clear();
    // Removing tells everyone, the ghost included: what that finds unreachable is already handled.
    await this.removeResources(roomJid, gone);
    this.unreachable.clear();
  }

  private async removeResources(roomJid: string, lost: ReadonlySet<string>): Promise<void> {
    const room = this.rooms.live(roomJid);
    if (!room) return;
    for (const occupant of [...room.occupants]) {
      const gone = occupant.jids.filter((j) => lost.has(j));
      if (gone.length === 0) continue;
      if (gone.length < occupant.jids.length) {
        occupant.jids = occupant.jids.filter((j) => !lost.has(j));
        await this.rooms.commit(room);
      } else {
        await this.presence.remove(room, occupant, {});
      }
    }
  }

  private async dispatch(stanza: Element, from: Jid, to: Jid): Promise<void> {
    if (stanza.name === 'presence') return to.local === null ? undefined : this.presence.handle(stanza, from, to);
    if (stanza.name === 'message') {
      if (to.local === null) {
        if (stanza.attrs.type !== 'error') throw new StanzaError('service-unavailable', 'send messages to a room, not to the service');
        return;
      }
      return this.messages.handle(stanza, from, to);
    }
    if (stanza.name !== 'iq') return;
    const type = stanza.attrs.type as string | undefined;
    if (to.resource !== null) return this.toOccupant(stanza, from, to);
    if (type === 'result' || type === 'error') return;
    if (type !== 'get' && type !== 'set') throw new StanzaError('bad-request', 'IQ type must be get, set, result or error');
    const payload = iqPayload(stanza);
    if (!payload) throw new StanzaError('bad-request', 'an IQ get or set carries exactly one child element');
    const answer = to.local === null ? await this.serviceIq(stanza, payload) : await this.roomIq(stanza, payload, from, to);
    const reply = iqResult(stanza, answer ?? undefined);
    reply.attrs.from = to.full;
    await this.out.route(reply, to.full);
  }

  private async serviceIq(iq: Element, payload: Element): Promise<Element | void> {
    const xmlns = payload.attrs.xmlns as string | undefined;
    if (payload.attrs.node !== undefined && (xmlns === NS.DISCO_INFO || xmlns === NS.DISCO_ITEMS)) throw new StanzaError('item-not-found', `no node ${String(payload.attrs.node)}`);
    if (xmlns === NS.DISCO_INFO && iq.attrs.type === 'get') {
      const query = new Element('query', { xmlns: NS.DISCO_INFO });
      query.c('identity', { category: 'conference', type: 'text', name: this.options.name });
      for (const feature of [NS.DISCO_INFO, NS.DISCO_ITEMS, MUC, OCCUPANT_ID, NS.PING]) query.c('feature', { var: feature });
      return query;
    }
    if (xmlns === NS.DISCO_ITEMS && iq.attrs.type === 'get') {
      const query = new Element('query', { xmlns: NS.DISCO_ITEMS });
      const listed = new Map<string, string>();
      for (const room of await this.rooms.store.publicRooms()) listed.set(room.jid, room.name);
      for (const jid of this.rooms.activeJids()) {
        const room = await this.rooms.find(jid);
        if (room && !room.locked && room.config.public) listed.set(jid, room.config.name);
        else listed.delete(jid);
      }
      for (const [jid, name] of [...listed].sort(([a], [b]) => a.localeCompare(b))) query.c('item', { jid, ...(name ? { name } : {}) });
      return query;
    }
    if (xmlns === NS.PING && iq.attrs.type === 'get') return;
    throw new StanzaError('service-unavailable');
  }

  private async roomIq(iq: Element, payload: Element, from: Jid, to: Jid): Promise<Element | void> {
    const xmlns = payload.attrs.xmlns as string | undefined;
    const room = await this.rooms.find(to.bare);
    if (!room) throw new StanzaError('item-not-found', `there is no room ${to.bare}`, 'cancel');
    if (xmlns === MUC_OWNER) return this.owner.handle(iq, payload, from, room);
    if (xmlns === MUC_ADMIN) return this.admin.handle(iq, payload, from, room);
    if (room.locked) throw new StanzaError('item-not-found', `there is no room ${to.bare}`, 'cancel');
    if (iq.attrs.type === 'get' && payload.attrs.node !== undefined && (xmlns === NS.DISCO_INFO || xmlns === NS.DISCO_ITEMS)) throw new StanzaError('item-not-found', `no node ${String(payload.attrs.node)}`);
    if (xmlns === NS.DISCO_INFO && iq.attrs.type === 'get') return this.roomInfo(room);
    // Occupants are not listed: in a semi-anonymous room that would tell who is inside.
    if (xmlns === NS.DISCO_ITEMS && iq.attrs.type === 'get') return new Element('query', { xmlns: NS.DISCO_ITEMS });
    if (xmlns === NS.PING && iq.attrs.type === 'get') return;
    if (xmlns === NS.MAM) return this.archive.handle(iq, payload, from, room, this.out.deliver);
    throw new StanzaError('service-unavailable');
  }

  private roomInfo(room: RoomState): Element {
    const query = new Element('query', { xmlns: NS.DISCO_INFO });
    query.c('identity', { category: 'conference', type: 'text', name: room.config.name || room.jid.split('@')[0]! });
    const archive = MucArchive.keeps(room) ? [NS.MAM, NS.STANZA_ID] : [];
    for (const feature of [MUC, NS.DISCO_INFO, NS.DISCO_ITEMS, OCCUPANT_ID, NS.PING, ...archive, ...roomFeatures(room.config)]) query.c('feature', { var: feature });
    query.cnode(roomInfoForm(room));
    return query;
  }

  /**
   * IQs to an occupant JID: XEP-0410 self-ping is answered by the room; other requests between
   * occupants are passed on with the occupant JIDs in place of the real ones (XEP-0045 7.5).
   */
  private async toOccupant(iq: Element, from: Jid, to: Jid): Promise<void> {
    const type = iq.attrs.type as string | undefined;
    const room = await this.rooms.find(to.bare);
    const sender = room ? occupantByJid(room, from.full) : undefined;
    const target = room ? occupantByNick(room, to.resource!) : undefined;
    if (type === 'result' || type === 'error') {
      if (room && sender && target) this.relay(iq, room, sender.nick, target.jids[0]!);
      return;
    }
    const payload = iqPayload(iq);
    const isPing = payload?.name === 'ping' && payload.attrs.xmlns === NS.PING && type === 'get';
    if (!room || !sender) throw new StanzaError('not-acceptable', 'you are not an occupant of this room', 'cancel');
    if (isPing && target === sender) {
      const reply = iqResult(iq);
      reply.attrs.from = to.full;
      return this.out.route(reply, to.full);
    }
    if (!target) throw new StanzaError('item-not-found', `nobody is called ${to.resource!} in this room`, 'cancel');
    this.relay(iq, room, sender.nick, target.jids[0]!);
  }

  private relay(iq: Element, room: RoomState, fromNick: string, toJid: string): void {
    const copy = addressed(iq, toJid);
    copy.attrs.from = `${room.jid}/${fromNick}`;
    this.out.deliver(toJid, copy);
  }
}
