import type { Element } from 'ltx';
import { NS, StanzaError, clone, type Jid } from '../../xml';
import type { Database } from '../../storage';
import { ArchiveIds, ArchiveStore, answerQuery, parseQuery, queryForm, type PageLimits } from '../../im/mam';
import { occupantByJid, rankOf } from './muc-rooms';
import { AFFILIATION_RANK, type RoomState } from './muc-types';

const LIMITS: PageLimits = { defaultPageSize: 50, maxPageSize: 100 };
/** Forward records outlive any resend of their stanza (the ledger keeps ids 3 minutes). */
const FORWARD_RECORD_MS = 30 * 60_000;
/** Old forward records are deleted once per this many archived forwarded messages. */
const PRUNE_EVERY = 500;

/**
 * The archive of persistent rooms (XEP-0313 section 6): every groupchat message with a body,
 * with the XEP-0359 stanza-id the room stamps on it, kept until the room is destroyed; queried
 * at the room's JID with the same form and paging as an account's archive.
 */
export class MucArchive {
  private readonly store: ArchiveStore;
  private readonly ids = new ArchiveIds();
  private sincePrune = 0;

  constructor(
    private readonly db: Database,
    /** The forward id of the message being handled in a room, when it came from another node. */
    private readonly forwardIdOf: (roomJid: string) => string | undefined = () => undefined,
  ) {
    this.store = new ArchiveStore(db, 'muc_archive');
  }

  /** Whether the room keeps an archive: persistent rooms only (a temporary one has no row to hang it on). */
  static keeps(room: RoomState): boolean {
    return room.config.persistent && !room.locked;
  }

  /**
   * Archives `message` (as broadcast, from the occupant JID) and stamps it with its stanza-id. A
   * forwarded message the previous senior archived before it died (and the next senior handles
   * again) keeps the row and the stanza-id it got then: archived once.
   */
  async record(room: RoomState, nick: string, message: Element): Promise<void> {
    const forwardId = this.forwardIdOf(room.jid);
    if (forwardId !== undefined) {
      const known = await this.db.get<{ id: string }>('SELECT id FROM muc_archive_forwarded WHERE owner = ? AND forward_id = ?', [room.jid, forwardId]);
      if (known) {
        message.c('stanza-id', { xmlns: NS.STANZA_ID, by: room.jid, id: known.id });
        return;
      }
    }
    const { id, ms } = this.ids.next();
    message.c('stanza-id', { xmlns: NS.STANZA_ID, by: room.jid, id });
    const stored = clone(message);
    delete stored.attrs.to;
    const row = { owner: room.jid, id, withJid: room.jid, withResource: nick, ts: ms, stanza: stored.toString() };
    if (forwardId === undefined) return this.store.insert([row]);
    await this.db.transaction(async (tx) => {
      await this.store.insert([row], tx);
      await tx.run('INSERT INTO muc_archive_forwarded (owner, forward_id, id, ts) VALUES (?, ?, ?, ?)', [room.jid, forwardId, id, ms]);
    });
    if (++this.sincePrune >= PRUNE_EVERY) {
      this.sincePrune = 0;
      await this.db.run('DELETE FROM muc_archive_forwarded WHERE ts < ?', [Date.now() - FORWARD_RECORD_MS]);
    }
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
