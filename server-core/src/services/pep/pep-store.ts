import type { Database, Queryable } from '../../storage';
import type { PepNodeConfig } from '../../core/pep-api';
import { DEFAULT_NODE_CONFIG } from './pep-node-config';

/** An item as stored: the payload stays XML text until someone reads it. */
export interface StoredItem {
  node: string;
  id: string;
  xml: string;
  publishedAt: number;
}

type ItemRow = {
  node: string;
  item_id: string;
  xml: string;
  published_at: number;
};

const toItem = (row: ItemRow): StoredItem => ({ node: row.node, id: row.item_id, xml: row.xml, publishedAt: Number(row.published_at) });

/** Newest first; items published in the same step fall back to time and id, so every node of a cluster orders alike. */
const NEWEST_FIRST = 'ORDER BY seq DESC, published_at DESC, item_id DESC';

/**
 * The SQL behind PEP: nodes (their configuration as JSON), items in publication order, and
 * explicit subscriptions, keyed by the owner's username. Every node of a cluster reads and
 * writes the same rows, so there is nothing to replicate.
 */
export class PepStore {
  constructor(private readonly db: Database) {}

  async config(owner: string, node: string): Promise<PepNodeConfig | undefined> {
    const row = await this.db.get<{ config: string }>('SELECT config FROM pep_nodes WHERE username = ? AND node = ?', [owner, node]);
    return row ? parseConfig(row.config) : undefined;
  }

  /** Every node of each owner, with its configuration. */
  async nodesOf(owners: string[]): Promise<Array<{ owner: string; node: string; config: PepNodeConfig }>> {
    if (owners.length === 0) return [];
    const rows = await this.db.all<{ username: string; node: string; config: string }>(
      `SELECT username, node, config FROM pep_nodes WHERE username IN (${owners.map(() => '?').join(', ')}) ORDER BY username, node`,
      owners,
    );
    return rows.map((row) => ({ owner: row.username, node: row.node, config: parseConfig(row.config) }));
  }

  async nodeCount(owner: string): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pep_nodes WHERE username = ?', [owner]);
    return Number(row?.n ?? 0);
  }

  /** Creates the node; false when it exists already (its configuration is left as it is). */
  async create(owner: string, node: string, config: PepNodeConfig): Promise<boolean> {
    const created = await this.db.run('INSERT INTO pep_nodes (username, node, config, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (username, node) DO NOTHING', [
      owner,
      node,
      JSON.stringify(config),
      Date.now(),
    ]);
    return created > 0;
  }

  /** Replaces the configuration and drops the oldest items beyond `keep`; false when there is no such node. */
  async configure(owner: string, node: string, config: PepNodeConfig, keep: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await tx.run('UPDATE pep_nodes SET config = ? WHERE username = ? AND node = ?', [JSON.stringify(config), owner, node]);
      if (changed > 0) await trim(tx, owner, node, keep);
      return changed > 0;
    });
  }

  async deleteNode(owner: string, node: string): Promise<boolean> {
    // Items and subscriptions go with the node (ON DELETE CASCADE).
    return (await this.db.run('DELETE FROM pep_nodes WHERE username = ? AND node = ?', [owner, node])) > 0;
  }

  /** Items the owner keeps across all nodes. */
  async itemCount(owner: string): Promise<number> {
    const row = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pep_items WHERE username = ?', [owner]);
    return Number(row?.n ?? 0);
  }

  async hasItem(owner: string, node: string, id: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS present FROM pep_items WHERE username = ? AND node = ? AND item_id = ?', [owner, node, id])) !== undefined;
  }

  /** Adds the item (or replaces the one of the same id, which becomes the newest), keeping the newest `keep`. */
  async publish(owner: string, node: string, item: { id: string; xml: string; publisher: string }, keep: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const top = await tx.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM pep_items WHERE username = ? AND node = ?', [owner, node]);
      const seq = Number(top?.seq ?? 0) + 1;
      await tx.run(
        `INSERT INTO pep_items (username, node, item_id, seq, published_at, publisher, xml) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (username, node, item_id) DO UPDATE SET seq = excluded.seq, published_at = excluded.published_at, publisher = excluded.publisher, xml = excluded.xml`,
        [owner, node, item.id, seq, Date.now(), item.publisher, item.xml],
      );
      await trim(tx, owner, node, keep);
    });
  }

  /** Newest first: the newest `max` items, or those of the given ids. */
  async items(owner: string, node: string, query: { max?: number; ids?: string[] } = {}): Promise<StoredItem[]> {
    if (query.ids) {
      if (query.ids.length === 0) return [];
      const rows = await this.db.all<ItemRow>(
        `SELECT node, item_id, xml, published_at FROM pep_items WHERE username = ? AND node = ? AND item_id IN (${query.ids.map(() => '?').join(', ')}) ${NEWEST_FIRST}`,
        [owner, node, ...query.ids],
      );
      return rows.map(toItem);
    }
    const limit = query.max === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(query.max))}`;
    const rows = await this.db.all<ItemRow>(`SELECT node, item_id, xml, published_at FROM pep_items WHERE username = ? AND node = ? ${NEWEST_FIRST}${limit}`, [owner, node]);
    return rows.map(toItem);
  }

  /** The newest item of each of the owner's nodes that holds one. */
  async newestItems(owner: string): Promise<StoredItem[]> {
    const rows = await this.db.all<ItemRow>(
      `SELECT i.node, i.item_id, i.xml, i.published_at FROM pep_items i
       WHERE i.username = ? AND NOT EXISTS (
         SELECT 1 FROM pep_items j WHERE j.username = i.username AND j.node = i.node
           AND (j.seq > i.seq OR (j.seq = i.seq AND (j.published_at > i.published_at OR (j.published_at = i.published_at AND j.item_id > i.item_id)))))
       ORDER BY i.node`,
      [owner],
    );
    return rows.map(toItem);
  }

  async retract(owner: string, node: string, id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM pep_items WHERE username = ? AND node = ? AND item_id = ?', [owner, node, id])) > 0;
  }

  async purge(owner: string, node: string): Promise<void> {
    await this.db.run('DELETE FROM pep_items WHERE username = ? AND node = ?', [owner, node]);
  }

  /** false when `jid` was subscribed already. */
  async subscribe(owner: string, node: string, jid: string): Promise<boolean> {
    const added = await this.db.run('INSERT INTO pep_subscriptions (username, node, jid, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (username, node, jid) DO NOTHING', [
      owner,
      node,
      jid,
      Date.now(),
    ]);
    return added > 0;
  }

  async unsubscribe(owner: string, node: string, jid: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM pep_subscriptions WHERE username = ? AND node = ? AND jid = ?', [owner, node, jid])) > 0;
  }

  async subscribers(owner: string, node: string): Promise<string[]> {
    const rows = await this.db.all<{ jid: string }>('SELECT jid FROM pep_subscriptions WHERE username = ? AND node = ? ORDER BY jid', [owner, node]);
    return rows.map((row) => row.jid);
  }

  /** The nodes of `owner` that `jid` (bare or full) is subscribed to, with the subscribed JID. */
  async subscriptionsOf(owner: string, bareJid: string): Promise<Array<{ node: string; jid: string }>> {
    const rows = await this.db.all<{ node: string; jid: string }>(
      'SELECT node, jid FROM pep_subscriptions WHERE username = ? AND (jid = ? OR jid LIKE ?) ORDER BY node, jid',
      [owner, bareJid, `${bareJid}/%`],
    );
    // LIKE wildcards in a JID could widen the match: keep only the JID and its resources.
    return rows.filter((row) => row.jid === bareJid || row.jid.startsWith(`${bareJid}/`));
  }
}

async function trim(tx: Queryable, owner: string, node: string, keep: number): Promise<void> {
  await tx.run(
    `DELETE FROM pep_items WHERE username = ? AND node = ? AND item_id NOT IN (
       SELECT item_id FROM pep_items WHERE username = ? AND node = ? ${NEWEST_FIRST} LIMIT ${Math.max(1, Math.floor(keep))})`,
    [owner, node, owner, node],
  );
}

/** Rows hold what this code wrote; fields a later version added fall back to the defaults. */
function parseConfig(json: string): PepNodeConfig {
  return { ...DEFAULT_NODE_CONFIG, ...(JSON.parse(json) as Partial<PepNodeConfig>) };
}
