import { clone, type Element } from 'ltx';
import { NS, type Jid } from '../../xml';
import type { Logger } from '../../log';
import { hasHint, messageType } from '../message-hints';
import type { ArchiveIds } from './archive-id';
import type { ArchiveRow, ArchiveStore } from './archive-store';
import type { ArchivePrefs } from './archive-prefs';

/**
 * XEP-0313 4: what goes into an archive: chat and normal messages with a body. Errors,
 * groupchat (a MUC keeps its own archive), headlines and bodiless chat states do not, nor what
 * the sender asked not to be stored (XEP-0334).
 */
export function isArchivable(message: Element): boolean {
  const type = messageType(message);
  if (type !== 'chat' && type !== 'normal') return false;
  if (message.getChild('body') === undefined) return false;
  return !hasHint(message, 'no-store') && !hasHint(message, 'no-permanent-store');
}

/**
 * XEP-0359 3.1: a `<stanza-id/>` claiming to come from this server or one of its users was not
 * added by us; it is removed before the message is archived or delivered, so no client can
 * plant an archive id. `<origin-id/>` is the sender's own and stays.
 */
export function stripForgedStanzaIds(message: Element, domain: string): void {
  const suffix = `@${domain}`;
  message.children = message.children.filter((child) => {
    if (typeof child === 'string' || child.name !== 'stanza-id' || child.attrs.xmlns !== NS.STANZA_ID) return true;
    const by = String(child.attrs.by ?? '').toLowerCase();
    return by !== domain && !by.endsWith(suffix);
  });
}

export interface ArchiverDeps {
  domain: string;
  store: ArchiveStore;
  prefs: ArchivePrefs;
  ids: ArchiveIds;
  inRoster(owner: string, contact: string): Promise<boolean>;
  logger: Logger;
  /** Metrics: copies written, and messages delivered unarchived because the write failed. */
  onArchived(copies: number): void;
  onFailure(): void;
}

/**
 * Archives a message on its way to a local user, once: the message module calls it on the node
 * that routes the message, before handing it to the recipient's resources or to offline
 * storage, and not again when another node re-applies the rules. It writes the recipient's
 * copy and, when the sender is a user of this server, the sender's copy in one statement, and
 * answers the message to deliver: a copy carrying the recipient's `<stanza-id/>`.
 */
export class MessageArchiver {
  constructor(private readonly deps: ArchiverDeps) {}

  /** `to` as addressed (bare or full): its resource is what the sender's copy was exchanged with. */
  async record(message: Element, to: Jid, from: Jid): Promise<Element> {
    const owner = { local: to.local!, bare: to.bare };
    const { domain, store, prefs, ids, logger } = this.deps;
    stripForgedStanzaIds(message, domain);
    if (!isArchivable(message)) return message;
    const rows: ArchiveRow[] = [];
    const xml = message.toString();
    let recipientId: string | undefined;
    try {
      if (await prefs.archives(owner.local, from, () => this.deps.inRoster(owner.local, from.bare))) {
        const { id, ms } = ids.next();
        recipientId = id;
        rows.push({ owner: owner.local, id, withJid: from.bare, withResource: from.resource ?? '', ts: ms, stanza: xml });
      }
      // Sent to oneself: one copy, the one received.
      const localSender = from.domain === domain && from.local !== null && from.bare !== owner.bare;
      if (localSender && (await prefs.archives(from.local!, to, () => this.deps.inRoster(from.local!, to.bare)))) {
        const { id, ms } = ids.next();
        rows.push({ owner: from.local!, id, withJid: to.bare, withResource: to.resource ?? '', ts: ms, stanza: xml });
      }
      await store.insert(rows);
      this.deps.onArchived(rows.length);
    } catch (err) {
      // The message matters more than its archive copy: deliver it without a stanza-id.
      this.deps.onFailure();
      logger.error({ err, to: owner.bare }, 'mam: could not archive a message; delivering it unarchived');
      return message;
    }
    if (recipientId === undefined) return message;
    // A copy, so what the sender's own resources see (sent carbons) keeps no id of the recipient's archive.
    const delivered = clone(message);
    delivered.c('stanza-id', { xmlns: NS.STANZA_ID, by: owner.bare, id: recipientId });
    return delivered;
  }
}
