import { parse, type Element } from 'ltx';
import type { ClusterCache, PluginContext } from '@asterisk-im/server-core';

/** How often a trapped presence Redis did not take is written again. */
const RETRY_MS = 250;

/**
 * What a session will broadcast when its user's last call ends, by full JID: the presence it
 * sent during the call (`trapped`) or, if none, the one it had before (`before-call`).
 * Replicated, without size limit or expiry, so it survives the senior; removed when the
 * session ends or its node leaves the cluster.
 */
export interface TrappedEntry {
  node: string;
  user: string;
  kind: 'trapped' | 'before-call';
  xml: string;
}

export class TrappedPresences {
  /**
   * Entries whose write failed (Redis down): the cache drops a write the store never took, but
   * this node still answers with them and writes them again until Redis takes them or they are
   * replaced, so a presence trapped during an outage is not lost. `null` is a removal Redis did
   * not take: the cache's reload would bring the entry back, and with it a presence already restored.
   */
  private readonly unsent = new Map<string, TrappedEntry | null>();

  constructor(
    private readonly cache: ClusterCache<TrappedEntry>,
    private readonly timers: PluginContext['timers'],
  ) {}

  get(fullJid: string): TrappedEntry | undefined {
    const unsent = this.unsent.get(fullJid);
    if (unsent === null) return undefined;
    return unsent ?? this.cache.get(fullJid);
  }

  presenceOf(fullJid: string): Element | undefined {
    const entry = this.get(fullJid);
    return entry ? (parse(entry.xml) as Element) : undefined;
  }

  async set(fullJid: string, entry: TrappedEntry): Promise<void> {
    this.unsent.delete(fullJid);
    try {
      await this.cache.set(fullJid, entry);
    } catch (err) {
      this.unsent.set(fullJid, entry);
      this.writeAgainLater(fullJid, entry);
      throw err;
    }
  }

  async delete(fullJid: string): Promise<void> {
    const unsent = this.unsent.get(fullJid);
    this.unsent.delete(fullJid);
    // An entry whose write failed may have reached Redis all the same.
    if (!this.cache.has(fullJid) && unsent === undefined) return;
    try {
      await this.cache.delete(fullJid);
    } catch (err) {
      this.unsent.set(fullJid, null);
      this.writeAgainLater(fullJid, null);
      throw err;
    }
  }

  private writeAgainLater(fullJid: string, entry: TrappedEntry | null): void {
    this.timers.setTimeout(() => {
      if (this.unsent.get(fullJid) !== entry) return;
      const write = entry === null ? this.cache.delete(fullJid) : this.cache.set(fullJid, entry);
      write.then(
        () => this.unsent.get(fullJid) === entry && this.unsent.delete(fullJid),
        () => this.writeAgainLater(fullJid, entry),
      );
    }, RETRY_MS);
  }

  /** Fires on every node for a change made on any node; `entry` is undefined on removal. */
  onEntry(listener: (fullJid: string, entry: TrappedEntry | undefined) => void): () => void {
    const onEntry = (event: { key: string; value: TrappedEntry | undefined }): void => listener(event.key, event.value);
    this.cache.on('entry', onEntry);
    return () => this.cache.off('entry', onEntry);
  }

  /** Entries of sessions that lived on a node that is gone. */
  async forgetNode(node: string): Promise<void> {
    for (const [key, value] of this.cache.entries()) {
      if (value.node === node) await this.cache.delete(key);
    }
  }
}
