import type { Database } from '../../storage';
import { AFFILIATIONS, type Affiliation, type AffiliationEntry, type HistoryEntry, type RoomConfig, type RoomState } from './muc-types';

type RoomRow = {
  room: string;
  config: string;
  subject: string | null;
  subject_nick: string | null;
  salt: string;
  created_at: number;
};

type AffiliationRow = {
  jid: string;
  affiliation: string;
  nick: string | null;
  reason: string | null;
};

/** Persistent rooms in SQL: configuration, subject, affiliations and the newest history. */
export class MucStore {
  constructor(
    private readonly db: Database,
    private readonly defaults: RoomConfig,
  ) {}

  /** Writes the room's row and its whole affiliation list (both change rarely). */
  async saveRoom(room: RoomState): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO muc_rooms (room, config, subject, subject_nick, salt, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (room) DO UPDATE SET config = excluded.config, subject = excluded.subject, subject_nick = excluded.subject_nick`,
        [room.jid, JSON.stringify(room.config), room.subject?.text ?? null, room.subject?.nick ?? null, room.salt, room.createdAt],
      );
      await tx.run('DELETE FROM muc_affiliations WHERE room = ?', [room.jid]);
      for (const [jid, entry] of Object.entries(room.affiliations)) {
        await tx.run('INSERT INTO muc_affiliations (room, jid, affiliation, nick, reason) VALUES (?, ?, ?, ?, ?)', [room.jid, jid, entry.affiliation, entry.nick, entry.reason]);
      }
    });
  }

  async appendHistory(room: string, entry: HistoryEntry, keep: number): Promise<void> {
    await this.db.run(
      'INSERT INTO muc_history (room, seq, stamp, nick, xml) SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM muc_history WHERE room = ?',
      [room, entry.stamp, entry.nick, entry.xml, room],
    );
    await this.db.run('DELETE FROM muc_history WHERE room = ? AND seq <= (SELECT MAX(seq) FROM muc_history WHERE room = ?) - ?', [room, room, keep]);
  }

  async deleteRoom(room: string): Promise<void> {
    await this.db.run('DELETE FROM muc_rooms WHERE room = ?', [room]);
  }

  /** A stored room, with no occupants (they are live state, never stored). */
  async loadRoom(jid: string, keep: number): Promise<RoomState | undefined> {
    const row = await this.db.get<RoomRow>('SELECT room, config, subject, subject_nick, salt, created_at FROM muc_rooms WHERE room = ?', [jid]);
    if (!row) return undefined;
    const affiliations: Record<string, AffiliationEntry> = {};
    for (const a of await this.db.all<AffiliationRow>('SELECT jid, affiliation, nick, reason FROM muc_affiliations WHERE room = ?', [jid])) {
      if (!AFFILIATIONS.includes(a.affiliation as Affiliation)) continue;
      affiliations[a.jid] = { affiliation: a.affiliation as Affiliation, nick: a.nick, reason: a.reason };
    }
    const history = await this.db.all<{ stamp: number; nick: string; xml: string }>('SELECT stamp, nick, xml FROM muc_history WHERE room = ? ORDER BY seq DESC LIMIT ?', [jid, keep]);
    return {
      jid,
      config: { ...this.defaults, ...(JSON.parse(row.config) as Partial<RoomConfig>) },
      locked: false,
      subject: row.subject !== null ? { text: row.subject, nick: row.subject_nick ?? '' } : null,
      affiliations,
      occupants: [],
      history: history.reverse().map((h) => ({ stamp: Number(h.stamp), nick: h.nick, xml: h.xml })),
      salt: row.salt,
      createdAt: Number(row.created_at),
    };
  }

  /** Names of the stored public rooms, for the service's disco#items. */
  async publicRooms(): Promise<Array<{ jid: string; name: string }>> {
    const rows = await this.db.all<{ room: string; config: string }>('SELECT room, config FROM muc_rooms');
    const rooms: Array<{ jid: string; name: string }> = [];
    for (const row of rows) {
      const config = { ...this.defaults, ...(JSON.parse(row.config) as Partial<RoomConfig>) };
      if (config.public) rooms.push({ jid: row.room, name: config.name });
    }
    return rooms;
  }
}
