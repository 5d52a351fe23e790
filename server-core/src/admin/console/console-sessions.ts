import crypto from 'node:crypto';
import type { Cluster, ClusterCache } from '../../cluster/types';

export const CONSOLE_SESSION_DEFAULTS = { ttlMs: 8 * 60 * 60 * 1000 } as const;

export interface ConsoleSession {
  username: string;
  /** Sent by the page in `X-CSRF-Token` (or a hidden form field) on every state-changing request. */
  csrf: string;
  expiresAt: number;
}

type StoredSession = { username: string; csrf: string; expiresAt: number };

/**
 * Signed-in administrators, in a replicated cache so a cookie works on every node. The cache
 * key is a hash of the cookie value: the cache never holds a usable session id.
 */
export class ConsoleSessions {
  private readonly cache: ClusterCache<StoredSession>;

  constructor(
    cluster: Cluster,
    private readonly ttlMs: number = CONSOLE_SESSION_DEFAULTS.ttlMs,
  ) {
    this.cache = cluster.createCache<StoredSession>('admin-console.sessions', { ttlMs });
  }

  get ttlSeconds(): number {
    return this.ttlMs / 1000;
  }

  async create(username: string): Promise<{ id: string; session: ConsoleSession }> {
    const id = crypto.randomBytes(32).toString('base64url');
    const session = { username, csrf: crypto.randomBytes(24).toString('base64url'), expiresAt: Date.now() + this.ttlMs };
    await this.cache.set(keyOf(id), session);
    return { id, session };
  }

  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.cache.get(keyOf(id));
    if (!session || session.expiresAt <= Date.now()) return undefined;
    return session;
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
