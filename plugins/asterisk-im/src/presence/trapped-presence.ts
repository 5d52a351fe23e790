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
   * What this node wants stored for a session and the store has not confirmed yet (`null`: the
   * entry removed). This node answers with it meanwhile: the cache drops a write the store never
   * took, and its reload would bring back an entry whose removal Redis missed (a presence already
   * restored). Written again until Redis takes it or something newer replaces it, so a presence
   * trapped during an outage is not lost.
   */
  private readonly wanted = new Map<string, TrappedEntry | null>();
  /**
   * One write per session at a time, in order. A write still on its way when Redis went down is
   * sent again by the Redis client once it reconnects; a newer write for the same session that
   * failed fast meanwhile, and was written again, would otherwise be overtaken by it, and the
   * older presence (the one before the call, or the previous call's) would be restored.
   */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly cache: ClusterCache<TrappedEntry>,
    private readonly timers: PluginContext['timers'],
  ) {}

  get(fullJid: string): TrappedEntry | undefined {
    if (this.wanted.has(fullJid)) return this.wanted.get(fullJid) ?? undefined;
    return this.cache.get(fullJid);
  }

  presenceOf(fullJid: string): Element | undefined {
    const entry = this.get(fullJid);
    return entry ? (parse(entry.xml) as Element) : undefined;
  }

  /** Resolves once the store took this entry (or a newer one for the session). */
  set(fullJid: string, entry: TrappedEntry): Promise<void> {
    return this.write(fullJid, entry);
  }

  async delete(fullJid: string): Promise<void> {
    // An entry whose write failed may have reached Redis all the same.
    if (!this.cache.has(fullJid) && !this.wanted.has(fullJid)) return;
    await this.write(fullJid, null);
  }

  private write(fullJid: string, entry: TrappedEntry | null): Promise<void> {
    this.wanted.set(fullJid, entry);
    const previous = this.writing.get(fullJid) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.flush(fullJid));
    this.writing.set(fullJid, next);
    const forget = () => {
      if (this.writing.get(fullJid) === next) this.writing.delete(fullJid);
    };
    next.then(forget, forget);
    return next;
  }

  /** Writes what is wanted now for the session (a later call may have replaced what was asked). */
  private async flush(fullJid: string): Promise<void> {
    if (!this.wanted.has(fullJid)) return;
    const entry = this.wanted.get(fullJid)!;
    try {
      await (entry === null ? this.cache.delete(fullJid) : this.cache.set(fullJid, entry));
    } catch (err) {
      this.writeAgainLater(fullJid, entry);
      throw err;
    }
    if (this.wanted.get(fullJid) === entry) this.wanted.delete(fullJid);
  }

  private writeAgainLater(fullJid: string, entry: TrappedEntry | null): void {
    this.timers.setTimeout(() => {
      if (this.wanted.get(fullJid) === entry && !this.writing.has(fullJid)) this.write(fullJid, entry).catch(() => undefined);
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
