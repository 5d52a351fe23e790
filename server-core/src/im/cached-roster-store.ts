import type { Cluster, Disposable } from '../cluster/types';
import { parseUsername } from '../storage/identifiers';
import type { RosterItem, RosterStore } from '../storage/stores';

/** Cluster message naming a username whose roster changed; every other node drops its copy. */
export const ROSTER_CHANGED_TOPIC = 'xmpp.roster-changed';

export interface CachedRosterOptions {
  /** Rosters kept, least recently used out first. Default 2000. */
  maxEntries?: number;
  /**
   * A cached roster older than this is checked against the stored version (in the background;
   * the read that notices it still gets the copy). It bounds how long a copy can be wrong if a
   * change notice was lost (Redis outage, a write made outside the server). Default 10 s.
   */
  revalidateMs?: number;
  now?: () => number;
}

interface Entry {
  roster: { version: string; items: RosterItem[] };
  checkedAt: number;
  /** A version check is under way. */
  checking?: boolean;
}

/**
 * Whole rosters are read on every presence broadcast and PEP notification, and change rarely:
 * this keeps them in memory. A change made through any node drops the copy on every node (a
 * cluster message), a read that overlaps a change is not kept, and a copy is re-checked
 * against the stored version, without making the reader wait, once it is `revalidateMs` old.
 */
export class CachedRosterStore implements RosterStore {
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every change heard of, so a read that overlapped any change is not cached. */
  private changeCount = 0;
  private readonly maxEntries: number;
  private readonly revalidateMs: number;
  private readonly now: () => number;
  private readonly subscriptions: Disposable[] = [];
  private readonly onRejoin = () => this.forgetAll();

  constructor(
    private readonly store: RosterStore,
    private readonly cluster: Cluster,
    options: CachedRosterOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.revalidateMs = options.revalidateMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.subscriptions.push(cluster.onMessage(ROSTER_CHANGED_TOPIC, (username) => this.forget(username)));
    // Notices sent while this node was cut off are lost.
    cluster.on('joinedCluster', this.onRejoin);
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.cluster.off('joinedCluster', this.onRejoin);
    this.forgetAll();
  }

  async get(owner: string): Promise<{ version: string; items: RosterItem[] }> {
    const username = parseUsername(owner);
    const entry = this.entries.get(username);
    if (entry) {
      if (this.now() - entry.checkedAt >= this.revalidateMs) this.revalidate(username, entry);
      return this.touch(username, entry).roster;
    }
    const changesBefore = this.changeCount;
    const fresh = await this.store.get(username);
    if (this.changeCount === changesBefore) this.remember(username, fresh);
    return fresh;
  }

  version(owner: string): Promise<string> {
    return this.store.version(owner);
  }

  getItem(owner: string, contact: string): Promise<RosterItem | undefined> {
    return this.store.getItem(owner, contact);
  }

  put(owner: string, item: RosterItem): Promise<string> {
    return this.changing(owner, () => this.store.put(owner, item));
  }

  remove(owner: string, contact: string): Promise<string | undefined> {
    return this.changing(owner, () => this.store.remove(owner, contact));
  }

  ownersOf(contact: string): Promise<string[]> {
    return this.store.ownersOf(contact);
  }

  /** Drops the copy before and after the write, then tells the other nodes. */
  private async changing<T>(owner: string, write: () => Promise<T>): Promise<T> {
    const username = parseUsername(owner);
    this.forget(username);
    try {
      return await write();
    } finally {
      this.forget(username);
      for (const node of this.cluster.members()) if (node !== this.cluster.nodeId) this.cluster.send(node, ROSTER_CHANGED_TOPIC, username);
    }
  }

  /**
   * Checks an old copy against the stored version in the background: a presence broadcast never
   * waits on the database for a roster it has, and a copy the check finds wrong is dropped.
   */
  private revalidate(username: string, entry: Entry): void {
    if (entry.checking) return;
    entry.checking = true;
    this.store.version(username).then(
      (version) => {
        entry.checking = false;
        if (this.entries.get(username) !== entry) return;
        if (entry.roster.version === version) entry.checkedAt = this.now();
        else this.forget(username);
      },
      () => {
        entry.checking = false;
        if (this.entries.get(username) === entry) this.forget(username);
      },
    );
  }

  private forget(username: string): void {
    this.entries.delete(username);
    this.changeCount += 1;
  }

  private forgetAll(): void {
    this.entries.clear();
    this.changeCount += 1;
  }

  private touch(username: string, entry: Entry): Entry {
    this.entries.delete(username);
    this.entries.set(username, entry);
    return entry;
  }

  private remember(username: string, roster: Entry['roster']): void {
    this.entries.delete(username);
    this.entries.set(username, { roster, checkedAt: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
    }
  }
}
