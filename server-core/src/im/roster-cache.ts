import type { RosterItem } from '../storage/stores';

export interface CachedRoster {
  version: string;
  items: RosterItem[];
}

/**
 * The most recently read rosters, by owner, each tagged with the version it was read at.
 * Every change bumps the stored version in the same transaction, so a cached roster whose
 * version still matches the stored one is exactly what the database holds — on any node,
 * whoever made the change. Bounded, least recently used first out.
 */
export class RosterCache {
  private readonly entries = new Map<string, CachedRoster>();

  constructor(private readonly maxEntries = 2000) {}

  get(owner: string, version: string): CachedRoster | undefined {
    const entry = this.entries.get(owner);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(owner);
    this.entries.set(owner, entry);
    return entry;
  }

  set(owner: string, roster: CachedRoster): void {
    this.entries.delete(owner);
    this.entries.set(owner, roster);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
