import { parseJid, parseUsername } from './identifiers';
import { nextCounterValue, readCounter } from './user-counters';
import { StorageError } from './stores';
import type { RosterItem, RosterStore } from './stores';
import type { Database } from './types';

const SUBSCRIPTIONS = new Set<RosterItem['subscription']>(['none', 'to', 'from', 'both']);
const COLUMNS = 'jid, name, subscription, ask_out, pending_in, pending_in_stanza, pre_approved, group_names';

interface RosterRow extends Record<string, unknown> {
  jid: string;
  name: string | null;
  subscription: RosterItem['subscription'];
  ask_out: number;
  pending_in: number;
  pending_in_stanza: string | null;
  pre_approved: number;
  group_names: string;
}

function fromRow(row: RosterRow): RosterItem {
  return {
    jid: row.jid,
    name: row.name,
    subscription: row.subscription,
    askOut: Number(row.ask_out) === 1,
    pendingIn: Number(row.pending_in) === 1,
    pendingInStanza: row.pending_in_stanza,
    preApproved: Number(row.pre_approved) === 1,
    groups: JSON.parse(row.group_names) as string[],
  };
}

function validateItem(item: RosterItem): RosterItem {
  if (typeof item !== 'object' || item === null) throw new StorageError('invalid', 'roster item must be an object');
  const jid = parseJid(item.jid, 'roster item jid');
  if (!SUBSCRIPTIONS.has(item.subscription)) {
    throw new StorageError('invalid', `roster item subscription must be none, to, from or both (got ${JSON.stringify(item.subscription)})`);
  }
  if (item.name !== null && typeof item.name !== 'string') throw new StorageError('invalid', 'roster item name must be a string or null');
  if (!Array.isArray(item.groups) || item.groups.some((g) => typeof g !== 'string' || g.length === 0)) {
    throw new StorageError('invalid', 'roster item groups must be an array of non-empty strings');
  }
  if (item.pendingInStanza !== null && typeof item.pendingInStanza !== 'string') {
    throw new StorageError('invalid', 'roster item pendingInStanza must be a string or null');
  }
  // Duplicate group names mean nothing in XMPP; keep each once.
  return { ...item, jid, groups: [...new Set(item.groups)] };
}

export class SqlRosterStore implements RosterStore {
  constructor(private readonly db: Database) {}

  async get(owner: string): Promise<{ version: string; items: RosterItem[] }> {
    const user = parseUsername(owner);
    return this.db.transaction(async (tx) => {
      const rows = await tx.all<RosterRow>(`SELECT ${COLUMNS} FROM roster_items WHERE username = ? ORDER BY jid`, [user]);
      const version = await readCounter(tx, user, 'roster-version');
      return { version: String(version), items: rows.map(fromRow) };
    });
  }

  async version(owner: string): Promise<string> {
    return String(await readCounter(this.db, parseUsername(owner), 'roster-version'));
  }

  async getItem(owner: string, contact: string): Promise<RosterItem | undefined> {
    const user = parseUsername(owner);
    const jid = parseJid(contact, 'contact');
    const row = await this.db.get<RosterRow>(`SELECT ${COLUMNS} FROM roster_items WHERE username = ? AND jid = ?`, [user, jid]);
    return row ? fromRow(row) : undefined;
  }

  async put(owner: string, item: RosterItem): Promise<string> {
    const user = parseUsername(owner);
    const valid = validateItem(item);
    return this.db.transaction(async (tx) => {
      // Bumping first also fails cleanly with 'not-found' when the owner has no account.
      const version = await nextCounterValue(tx, user, 'roster-version');
      await tx.run(
        `INSERT INTO roster_items (username, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (username, jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
           ask_out = excluded.ask_out, pending_in = excluded.pending_in, pending_in_stanza = excluded.pending_in_stanza,
           pre_approved = excluded.pre_approved, group_names = excluded.group_names`,
        [
          user,
          valid.jid,
          valid.name,
          valid.subscription,
          valid.askOut ? 1 : 0,
          valid.pendingIn ? 1 : 0,
          valid.pendingInStanza,
          valid.preApproved ? 1 : 0,
          JSON.stringify(valid.groups),
        ],
      );
      return String(version);
    });
  }

  async remove(owner: string, contact: string): Promise<string | undefined> {
    const user = parseUsername(owner);
    const jid = parseJid(contact, 'contact');
    return this.db.transaction(async (tx) => {
      const removed = await tx.run('DELETE FROM roster_items WHERE username = ? AND jid = ?', [user, jid]);
      if (removed === 0) return undefined;
      return String(await nextCounterValue(tx, user, 'roster-version'));
    });
  }

  async ownersOf(contact: string): Promise<string[]> {
    const jid = parseJid(contact, 'contact');
    const rows = await this.db.all<{ username: string }>('SELECT username FROM roster_items WHERE jid = ? ORDER BY username', [jid]);
    return rows.map((r) => r.username);
  }
}
