import type { Database, Migration, Queryable, SqlValue } from '../../storage';

/**
 * An archive table and its index: the accounts' (`mam_messages`) and the rooms' (`muc_archive`)
 * have the same columns, so one store serves both. `owner` references `ownerReference`.
 */
export function archiveTable(table: ArchiveTable, ownerReference: string): string[] {
  return [
    `CREATE TABLE ${table} (
        owner TEXT NOT NULL REFERENCES ${ownerReference} ON DELETE CASCADE,
        id TEXT NOT NULL,
        with_jid TEXT NOT NULL,
        with_resource TEXT NOT NULL,
        ts BIGINT NOT NULL,
        stanza TEXT NOT NULL,
        PRIMARY KEY (owner, id)
      )`,
    `CREATE INDEX ${table}_with ON ${table} (owner, with_jid, id)`,
  ];
}

export const MAM_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'message archive (XEP-0313) and archiving preferences',
    statements: [
      ...archiveTable('mam_messages', 'accounts (username)'),
      'CREATE INDEX mam_messages_ts ON mam_messages (ts)',
      `CREATE TABLE mam_prefs (
        owner TEXT PRIMARY KEY REFERENCES accounts (username) ON DELETE CASCADE,
        default_policy TEXT NOT NULL,
        always_jids TEXT NOT NULL,
        never_jids TEXT NOT NULL
      )`,
    ],
  },
];

export interface ArchiveRow {
  owner: string;
  id: string;
  withJid: string;
  withResource: string;
  ts: number;
  stanza: string;
}

export interface ArchivedMessage {
  id: string;
  ts: number;
  stanza: string;
}

/** What one page asks for; ids and times are already validated. */
export interface ArchiveCriteria {
  owner: string;
  withJid?: string;
  withResource?: string;
  startMs?: number;
  endMs?: number;
  afterId?: string;
  beforeId?: string;
  ids?: string[];
  /** From the newest end (RSM `<before/>`): the page just before `beforeId`, or the last page. */
  fromEnd: boolean;
  limit: number;
}

export type Policy = 'always' | 'never' | 'roster';

export interface StoredPrefs {
  defaultPolicy: Policy;
  always: string[];
  never: string[];
}

/** A table with the columns of `mam_messages`: the accounts' archive, or the rooms' (`muc_archive`, owner = room JID). */
export type ArchiveTable = 'mam_messages' | 'muc_archive';

/** The archive's SQL, portable between SQLite and PostgreSQL. */
export class ArchiveStore {
  constructor(
    private readonly db: Database,
    private readonly table: ArchiveTable = 'mam_messages',
  ) {}

  /** `db`: a transaction to run in (the rooms' archive writes its forward record with it). */
  async insert(rows: readonly ArchiveRow[], db: Queryable = this.db): Promise<void> {
    if (rows.length === 0) return;
    // One statement for both copies of a message: one round trip, and both or neither.
    const values = rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
    const params = rows.flatMap((r) => [r.owner, r.id, r.withJid, r.withResource, r.ts, r.stanza]);
    await db.run(`INSERT INTO ${this.table} (owner, id, with_jid, with_resource, ts, stanza) VALUES ${values}`, params);
  }

  async exists(owner: string, id: string): Promise<boolean> {
    return (await this.db.get(`SELECT 1 AS found FROM ${this.table} WHERE owner = ? AND id = ?`, [owner, id])) !== undefined;
  }

  /** Up to `limit` messages in archive order, oldest first. */
  async page(criteria: ArchiveCriteria): Promise<ArchivedMessage[]> {
    const where = ['owner = ?'];
    const params: SqlValue[] = [criteria.owner];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (criteria.withJid !== undefined) add('with_jid = ?', criteria.withJid);
    if (criteria.withResource !== undefined) add('with_resource = ?', criteria.withResource);
    if (criteria.startMs !== undefined) add('ts >= ?', criteria.startMs);
    if (criteria.endMs !== undefined) add('ts <= ?', criteria.endMs);
    if (criteria.afterId !== undefined) add('id > ?', criteria.afterId);
    if (criteria.beforeId !== undefined) add('id < ?', criteria.beforeId);
    if (criteria.ids !== undefined) add(`id IN (${criteria.ids.map(() => '?').join(', ')})`, ...criteria.ids);
    const order = criteria.fromEnd ? 'DESC' : 'ASC';
    const rows = await this.db.all<{ id: string; ts: number | string; stanza: string }>(
      `SELECT id, ts, stanza FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT ?`,
      [...params, criteria.limit],
    );
    const page = rows.map((r) => ({ id: r.id, ts: Number(r.ts), stanza: r.stanza }));
    return criteria.fromEnd ? page.reverse() : page;
  }

  /**
   * Removes up to `limit` messages older than `cutoffMs`; answers how many went. In batches, so
   * the first clean-up of a large archive never holds one long write transaction.
   */
  deleteOlderThan(cutoffMs: number, limit: number): Promise<number> {
    return this.db.run(`DELETE FROM ${this.table} WHERE (owner, id) IN (SELECT owner, id FROM ${this.table} WHERE ts < ? LIMIT ?)`, [cutoffMs, limit]);
  }

  async prefs(owner: string): Promise<StoredPrefs | undefined> {
    const row = await this.db.get<{ default_policy: string; always_jids: string; never_jids: string }>(
      'SELECT default_policy, always_jids, never_jids FROM mam_prefs WHERE owner = ?',
      [owner],
    );
    if (!row) return undefined;
    return { defaultPolicy: row.default_policy as Policy, always: JSON.parse(row.always_jids) as string[], never: JSON.parse(row.never_jids) as string[] };
  }

  async setPrefs(owner: string, prefs: StoredPrefs): Promise<void> {
    await this.db.run(
      `INSERT INTO mam_prefs (owner, default_policy, always_jids, never_jids) VALUES (?, ?, ?, ?)
       ON CONFLICT (owner) DO UPDATE SET default_policy = excluded.default_policy, always_jids = excluded.always_jids, never_jids = excluded.never_jids`,
      [owner, prefs.defaultPolicy, JSON.stringify(prefs.always), JSON.stringify(prefs.never)],
    );
  }
}
