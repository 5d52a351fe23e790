import crypto from 'node:crypto';
import type { Cluster, ClusterCache } from '../../cluster/types';
import type { AccountStore } from '../../storage/stores';

export const CONSOLE_SESSION_DEFAULTS = { ttlMs: 8 * 60 * 60 * 1000 } as const;

export interface ConsoleSession {
  username: string;
  /** Sent by the page in `X-CSRF-Token` (or a hidden form field) on every state-changing request. */
  csrf: string;
  expiresAt: number;
}

/** `stamp`: the account's credential stamp at sign-in; another one means the password changed since. */
type StoredSession = { username: string; csrf: string; expiresAt: number; stamp: string };

/**
 * Signed-in administrators, in a replicated cache so a cookie works on every node. The cache
 * key is a hash of the cookie value: the cache never holds a usable session id. Every use of a
 * session checks the account again, so a cookie stops working as soon as the account is
 * deleted, loses its administrator rights or gets a new password, however that happened (the
 * CLI writes to the database directly).
 */
export class ConsoleSessions {
  private readonly cache: ClusterCache<StoredSession>;

  constructor(
    cluster: Cluster,
    private readonly accounts: AccountStore,
    private readonly ttlMs: number = CONSOLE_SESSION_DEFAULTS.ttlMs,
  ) {
    this.cache = cluster.createCache<StoredSession>('admin-console.sessions', { ttlMs });
  }

  get ttlSeconds(): number {
    return this.ttlMs / 1000;
  }

  async create(username: string): Promise<{ id: string; session: ConsoleSession }> {
    const id = crypto.randomBytes(32).toString('base64url');
    const stamp = (await this.accounts.credentialStamps([username])).get(username) ?? '';
    const session = { username, csrf: crypto.randomBytes(24).toString('base64url'), expiresAt: Date.now() + this.ttlMs, stamp };
    await this.cache.set(keyOf(id), session);
    return { id, session };
  }

  async get(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (!id) return undefined;
    const key = keyOf(id);
    const session = this.cache.get(key);
    if (!session || session.expiresAt <= Date.now()) return undefined;
    if (!(await this.stillValid(session))) {
      await this.cache.delete(key);
      return undefined;
    }
    return session;
  }

  private async stillValid(session: StoredSession): Promise<boolean> {
    const [account, stamps] = await Promise.all([this.accounts.get(session.username), this.accounts.credentialStamps([session.username])]);
    return Boolean(account?.isAdmin) && stamps.get(session.username) === session.stamp;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.cache.delete(keyOf(id));
  }

  /** Signs a user out everywhere (deleted account, lost admin rights). */
  async destroyUser(username: string): Promise<void> {
    for (const [key, session] of this.cache.entries()) if (session.username === username) await this.cache.delete(key);
  }
}

function keyOf(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

/** Constant-time equality of two tokens of any length. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
