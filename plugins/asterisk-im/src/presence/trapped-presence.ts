import { parse, type Element } from 'ltx';
import type { ClusterCache, JsonValue } from '@asterisk-im/server-core/src/cluster/types';

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
  constructor(private readonly cache: ClusterCache<JsonValue>) {}

  get(fullJid: string): TrappedEntry | undefined {
    return this.cache.get(fullJid) as unknown as TrappedEntry | undefined;
  }

  presenceOf(fullJid: string): Element | undefined {
    const entry = this.get(fullJid);
    return entry ? (parse(entry.xml) as Element) : undefined;
  }

  async set(fullJid: string, entry: TrappedEntry): Promise<void> {
    await this.cache.set(fullJid, entry as unknown as JsonValue);
  }

  async delete(fullJid: string): Promise<void> {
    if (this.cache.has(fullJid)) await this.cache.delete(fullJid);
  }

  /** Fires on every node for a change made on any node; `entry` is undefined on removal. */
  onEntry(listener: (fullJid: string, entry: TrappedEntry | undefined) => void): () => void {
    const onEntry = (event: { key: string; value: JsonValue | undefined }): void => listener(event.key, event.value as unknown as TrappedEntry | undefined);
    this.cache.on('entry', onEntry);
    return () => this.cache.off('entry', onEntry);
  }

  /** Entries of sessions that lived on a node that is gone. */
  async forgetNode(node: string): Promise<void> {
    for (const [key, value] of this.cache.entries()) {
      if ((value as unknown as TrappedEntry).node === node) await this.cache.delete(key);
    }
  }
}
