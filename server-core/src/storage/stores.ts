/**
 * What the XMPP core keeps durably. Each store is implemented over `Database` and is the only
 * place that knows its tables. JIDs passed in are already normalised (lowercase local/domain).
 * `owner` / `username` is always a local account's username (the localpart of its JID, no
 * domain); contacts and blocked entries are bare JIDs. Writing for an owner without an
 * account fails with StorageError 'not-found'.
 */

import type { ScramCredential } from '../auth/scram-credentials';

export type { ScramCredential };

export interface Account {
  username: string;
  createdAt: number;
  credentials: { 'SCRAM-SHA-1': ScramCredential; 'SCRAM-SHA-256': ScramCredential };
  isAdmin: boolean;
}

export interface AccountStore {
  /** Throws StorageError kind 'conflict' when the user exists. */
  create(username: string, password: string, options?: { isAdmin?: boolean }): Promise<void>;
  /** Throws StorageError kind 'not-found'. */
  setPassword(username: string, password: string): Promise<void>;
  /** Deletes the account and everything it owns (roster, offline, vcard, blocklist). */
  delete(username: string): Promise<boolean>;
  get(username: string): Promise<Account | undefined>;
  exists(username: string): Promise<boolean>;
  list(): Promise<string[]>;
  setAdmin(username: string, isAdmin: boolean): Promise<void>;
  /**
   * A value per existing account that changes whenever its password is set (no secret: a hash
   * of the credential's salt). Accounts that do not exist are absent from the answer.
   */
  credentialStamps(usernames: string[]): Promise<Map<string, string>>;
  /** Plain check used for PLAIN SASL and the admin console sign-in. Constant time. */
  verifyPassword(username: string, password: string): Promise<boolean>;
}

export type Subscription = 'none' | 'to' | 'from' | 'both' | 'remove';
/** Pending states of RFC 6121 kept beside `subscription`. */
export interface RosterItem {
  jid: string;
  name: string | null;
  subscription: Exclude<Subscription, 'remove'>;
  /** Outbound request sent, not answered (shown as ask='subscribe'). */
  askOut: boolean;
  /** Inbound request received, not answered; the stanza is kept to redeliver at login. */
  pendingIn: boolean;
  pendingInStanza: string | null;
  /** Inbound subscription pre-approved by the owner (RFC 6121 3.4). */
  preApproved: boolean;
  groups: string[];
}

export interface RosterStore {
  /** All items of a local user's roster, and the roster version string ("0" when never changed). */
  get(owner: string): Promise<{ version: string; items: RosterItem[] }>;
  /** The current roster version alone: one cheap read, so callers can keep a roster cached. */
  version(owner: string): Promise<string>;
  getItem(owner: string, contact: string): Promise<RosterItem | undefined>;
  /** Inserts or replaces the item; bumps and returns the new roster version. */
  put(owner: string, item: RosterItem): Promise<string>;
  /** Removes the item; returns the new version, or undefined when there was none. */
  remove(owner: string, contact: string): Promise<string | undefined>;
  /** Owners whose roster contains `contact` (used for presence fan-out checks and deletion). */
  ownersOf(contact: string): Promise<string[]>;
}

export interface OfflineMessage {
  id: number;
  stamp: number;
  xml: string;
}

/** How much one user's offline queue may hold. */
export interface OfflineQuota {
  messages: number;
  bytes: number;
}

/** `full` names the limit that refused the message. */
export type OfflinePushResult = { stored: true } | { stored: false; full: 'messages' | 'bytes' };

export interface OfflineStore {
  /** Stores the message unless the user's queue would exceed `quota`. */
  push(owner: string, xml: string, quota: OfflineQuota): Promise<OfflinePushResult>;
  /**
   * The oldest stored messages with an id above `afterId`, without removing them: at most
   * `maxMessages`, and no more than `maxBytes` in all, except that the first one is returned
   * whatever its size.
   */
  peek(owner: string, batch: { afterId: number; maxMessages: number; maxBytes: number }): Promise<OfflineMessage[]>;
  /** Removes the given messages (those already handed over); unknown ids are ignored. */
  remove(owner: string, ids: readonly number[]): Promise<void>;
  count(owner: string): Promise<number>;
}

export interface VCardStore {
  get(owner: string): Promise<string | undefined>;
  set(owner: string, xml: string): Promise<void>;
}

export interface BlocklistStore {
  list(owner: string): Promise<string[]>;
  add(owner: string, jids: string[]): Promise<void>;
  /** Removes the given JIDs, or all when `jids` is empty. */
  remove(owner: string, jids: string[]): Promise<void>;
}

export interface Stores {
  accounts: AccountStore;
  rosters: RosterStore;
  offline: OfflineStore;
  vcards: VCardStore;
  blocklists: BlocklistStore;
}

export type StorageErrorKind = 'conflict' | 'not-found' | 'invalid' | 'unavailable';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
