import type { Element } from 'ltx';
import { NS, StanzaError, clone, type Jid } from '../../xml';
import type { Database } from '../../storage';
import { ArchiveIds, ArchiveStore, answerQuery, parseQuery, queryForm, type PageLimits } from '../../im/mam';
import { occupantByJid, rankOf } from './muc-rooms';
import { AFFILIATION_RANK, type RoomState } from './muc-types';

const LIMITS: PageLimits = { defaultPageSize: 50, maxPageSize: 100 };

/**
 * The archive of persistent rooms (XEP-0313 section 6): every groupchat message with a body,
 * with the XEP-0359 stanza-id the room stamps on it, kept until the room is destroyed; queried
 * at the room's JID with the same form and paging as an account's archive.
 */
export class MucArchive {
  private readonly store: ArchiveStore;
  private readonly ids = new ArchiveIds();

  constructor(db: Database) {
    this.store = new ArchiveStore(db, 'muc_archive');
  }

  /** Whether the room keeps an archive: persistent rooms only (a temporary one has no row to hang it on). */
  static keeps(room: RoomState): boolean {
    return room.config.persistent && !room.locked;
  }

  /** Archives `message` (as broadcast, from the occupant JID) and stamps it with its stanza-id. */
  async record(room: RoomState, nick: string, message: Element): Promise<void> {
    const { id, ms } = this.ids.next();
    message.c('stanza-id', { xmlns: NS.STANZA_ID, by: room.jid, id });
    const stored = clone(message);
    delete stored.attrs.to;
    await this.store.insert([{ owner: room.jid, id, withJid: room.jid, withResource: nick, ts: ms, stanza: stored.toString() }]);
  }

  async handle(iq: Element, query: Element, from: Jid, room: RoomState, deliver: (jid: string, stanza: Element) => void): Promise<Element> {
    if (!MucArchive.keeps(room)) throw new StanzaError('service-unavailable', 'only persistent rooms keep an archive');
    const rank = rankOf(room, from.bare);
    const inside = occupantByJid(room, from.full) !== undefined;
    if (rank === AFFILIATION_RANK.outcast) throw new StanzaError('forbidden', 'you are banned from this room', 'auth');
    // Who may enter may read: members-only and password-protected rooms only to occupants and members.
    if ((room.config.membersOnly || room.config.password) && !inside && rank < AFFILIATION_RANK.member) {
      throw new StanzaError('forbidden', 'join the room to read its archive', 'auth');
    }
    if (query.name !== 'query') throw new StanzaError('feature-not-implemented', `<${query.name}/> is not a MAM request a room answers; ask with <query/>`);
    if (iq.attrs.type === 'get') return queryForm();
    const parsed = parseQuery(query, room.jid, LIMITS);
    // `with` names an occupant JID: the room is the JID, the nickname the resource.
    return answerQuery(this.store, deliver, parsed, room.jid, from.full);
  }
}
