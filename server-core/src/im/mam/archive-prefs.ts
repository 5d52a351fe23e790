import { Element } from 'ltx';
import { NS, StanzaError, parseJid, JidError } from '../../xml';
import type { ArchiveStore, Policy, StoredPrefs } from './archive-store';

const POLICIES: readonly Policy[] = ['always', 'never', 'roster'];
/** JIDs one `<always/>` or `<never/>` list may hold. */
export const MAX_PREFS_JIDS = 1000;
/** Users whose preferences one node keeps in memory. */
const CACHE_ENTRIES = 10_000;

export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'string' && (POLICIES as readonly string[]).includes(value);
}

/** Reads a `<prefs/>` set; errors say what is wrong. */
export function parsePrefs(prefs: Element): StoredPrefs {
  const policy = prefs.attrs.default;
  if (!isPolicy(policy)) throw new StanzaError('bad-request', `<prefs default> must be always, never or roster (got ${JSON.stringify(policy ?? null)})`);
  const list = (name: 'always' | 'never'): string[] => {
    const jids = new Set<string>();
    for (const jid of prefs.getChild(name)?.getChildren('jid') ?? []) {
      try {
        jids.add(parseJid(jid.getText().trim()).full);
      } catch (err) {
        if (err instanceof JidError) throw new StanzaError('jid-malformed', `<${name}> holds ${JSON.stringify(jid.getText())}: ${err.message}`);
        throw err;
      }
    }
    if (jids.size > MAX_PREFS_JIDS) throw new StanzaError('not-acceptable', `<${name}> may hold at most ${MAX_PREFS_JIDS} JIDs`);
    return [...jids].sort();
  };
  const always = list('always');
  const never = list('never');
  // XEP-0313 6.1: a JID in both lists is archived never.
  return { defaultPolicy: policy, always: always.filter((jid) => !never.includes(jid)), never };
}

export function prefsElement(prefs: StoredPrefs): Element {
  const element = new Element('prefs', { xmlns: NS.MAM, default: prefs.defaultPolicy });
  const always = element.c('always');
  for (const jid of prefs.always) always.c('jid').t(jid);
  const never = element.c('never');
  for (const jid of prefs.never) never.c('jid').t(jid);
  return element;
}

/**
 * Each user's archiving preferences, read from the database once and kept on this node until
 * they change; a change drops the copy on every node (`forget`, run through a cluster task).
 */
export class ArchivePrefs {
  private readonly cache = new Map<string, StoredPrefs>();

  constructor(
    private readonly store: ArchiveStore,
    private readonly defaultPolicy: () => Policy,
  ) {}

  async get(owner: string): Promise<StoredPrefs> {
    const cached = this.cache.get(owner);
    if (cached) return cached;
    const prefs = (await this.store.prefs(owner)) ?? { defaultPolicy: this.defaultPolicy(), always: [], never: [] };
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(owner, prefs);
    return prefs;
  }

  async set(owner: string, prefs: StoredPrefs): Promise<void> {
    await this.store.setPrefs(owner, prefs);
    this.forget(owner);
  }

  forget(owner?: string): void {
    if (owner === undefined) this.cache.clear();
    else this.cache.delete(owner);
  }

  /**
   * Whether `owner` archives a message exchanged with `other` (bare and full JID): the lists
   * first (never wins), then the default; `roster` asks `inRoster` only when it has to.
   */
  async archives(owner: string, other: { bare: string; full: string }, inRoster: () => Promise<boolean>): Promise<boolean> {
    const prefs = await this.get(owner);
    const listed = (jids: string[]) => jids.includes(other.bare) || jids.includes(other.full);
    if (listed(prefs.never)) return false;
    if (listed(prefs.always)) return true;
    if (prefs.defaultPolicy === 'roster') return inRoster();
    return prefs.defaultPolicy === 'always';
  }
}
