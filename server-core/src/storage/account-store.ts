import { createHash } from 'node:crypto';
import { deriveScramCredential, passwordMatchesAsync, SCRAM_HASH } from '../auth/scram-credentials';
import type { ScramMechanism } from '../auth/scram-credentials';
import { parsePassword, parseUsername } from './identifiers';
import { isUniqueViolation } from './sql-errors';
import { StorageError } from './stores';
import type { Account, AccountStore, ScramCredential } from './stores';
import type { Database, Queryable } from './types';

const MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-1', 'SCRAM-SHA-256'];
/** Usernames per query when stamps are read for many accounts at once. */
const STAMP_BATCH = 500;

interface AccountRow extends Record<string, unknown> {
  username: string;
  created_at: number;
  is_admin: number;
}

interface CredentialRow extends Record<string, unknown> {
  mechanism: string;
  salt: string;
  iterations: number;
  stored_key: string;
  server_key: string;
}

function fromRow(row: CredentialRow): ScramCredential {
  return {
    salt: Buffer.from(row.salt, 'base64'),
    iterations: Number(row.iterations),
    storedKey: Buffer.from(row.stored_key, 'base64'),
    serverKey: Buffer.from(row.server_key, 'base64'),
  };
}

export class SqlAccountStore implements AccountStore {
  // Checked against when the user does not exist, so a miss costs as much as a hit.
  private readonly decoy: ScramCredential;

  constructor(
    private readonly db: Database,
    private readonly scramIterations: number,
  ) {
    this.decoy = deriveScramCredential('decoy', 'sha256', scramIterations);
  }

  async create(username: string, password: string, options: { isAdmin?: boolean } = {}): Promise<void> {
    const user = parseUsername(username);
    parsePassword(password);
    try {
      await this.db.transaction(async (tx) => {
        await tx.run('INSERT INTO accounts (username, created_at, is_admin) VALUES (?, ?, ?)', [user, Date.now(), options.isAdmin ? 1 : 0]);
        await this.writeCredentials(tx, user, password);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new StorageError('conflict', `account '${user}' already exists`);
      throw err;
    }
  }

  async setPassword(username: string, password: string): Promise<void> {
    const user = parseUsername(username);
    parsePassword(password);
    await this.db.transaction(async (tx) => {
      await this.requireAccount(tx, user);
      await tx.run('DELETE FROM scram_credentials WHERE username = ?', [user]);
      await this.writeCredentials(tx, user, password);
    });
  }

  async delete(username: string): Promise<boolean> {
    const user = parseUsername(username);
    // Owned rows go with the account through ON DELETE CASCADE.
    return (await this.db.run('DELETE FROM accounts WHERE username = ?', [user])) > 0;
  }

  async get(username: string): Promise<Account | undefined> {
    const user = parseUsername(username);
    const row = await this.db.get<AccountRow>('SELECT username, created_at, is_admin FROM accounts WHERE username = ?', [user]);
    if (!row) return undefined;
    const rows = await this.db.all<CredentialRow>(
      'SELECT mechanism, salt, iterations, stored_key, server_key FROM scram_credentials WHERE username = ?',
      [user],
    );
    const byMechanism = new Map(rows.map((r) => [r.mechanism, fromRow(r)]));
    const credential = (mechanism: ScramMechanism): ScramCredential => {
      const found = byMechanism.get(mechanism);
      if (!found) throw new StorageError('invalid', `account '${user}' has no ${mechanism} credential`);
      return found;
    };
    return {
      username: row.username,
      createdAt: Number(row.created_at),
      isAdmin: Number(row.is_admin) === 1,
      credentials: { 'SCRAM-SHA-1': credential('SCRAM-SHA-1'), 'SCRAM-SHA-256': credential('SCRAM-SHA-256') },
    };
  }

  async exists(username: string): Promise<boolean> {
    const user = parseUsername(username);
    return (await this.db.get('SELECT 1 AS found FROM accounts WHERE username = ?', [user])) !== undefined;
  }

  async list(): Promise<string[]> {
    const rows = await this.db.all<{ username: string }>('SELECT username FROM accounts ORDER BY username');
    return rows.map((r) => r.username);
  }

  async setAdmin(username: string, isAdmin: boolean): Promise<void> {
    const user = parseUsername(username);
    const changed = await this.db.run('UPDATE accounts SET is_admin = ? WHERE username = ?', [isAdmin ? 1 : 0, user]);
    if (changed === 0) throw new StorageError('not-found', `no account '${user}'`);
  }

  async credentialStamps(usernames: string[]): Promise<Map<string, string>> {
    const stamps = new Map<string, string>();
    const users = [...new Set(usernames.map(parseUsername))];
    for (let at = 0; at < users.length; at += STAMP_BATCH) {
      const batch = users.slice(at, at + STAMP_BATCH);
      const rows = await this.db.all<{ username: string; salt: string }>(
        `SELECT username, salt FROM scram_credentials WHERE mechanism = ? AND username IN (${batch.map(() => '?').join(', ')})`,
        ['SCRAM-SHA-256', ...batch],
      );
      for (const row of rows) stamps.set(row.username, createHash('sha256').update(row.salt).digest('base64url').slice(0, 22));
    }
    return stamps;
  }

  async verifyPassword(username: string, password: string): Promise<boolean> {
    const user = parseUsername(username);
    if (typeof password !== 'string') return false;
    const row = await this.db.get<CredentialRow>(
      'SELECT mechanism, salt, iterations, stored_key, server_key FROM scram_credentials WHERE username = ? AND mechanism = ?',
      [user, 'SCRAM-SHA-256'],
    );
    const matches = await passwordMatchesAsync(password, 'sha256', row ? fromRow(row) : this.decoy);
    return row !== undefined && matches;
  }

  private async requireAccount(tx: Queryable, user: string): Promise<void> {
    if (!(await tx.get('SELECT 1 AS found FROM accounts WHERE username = ?', [user]))) {
      throw new StorageError('not-found', `no account '${user}'`);
    }
  }

  private async writeCredentials(tx: Queryable, user: string, password: string): Promise<void> {
    for (const mechanism of MECHANISMS) {
      const credential = deriveScramCredential(password, SCRAM_HASH[mechanism], this.scramIterations);
      await tx.run(
        'INSERT INTO scram_credentials (username, mechanism, salt, iterations, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)',
        [
          user,
          mechanism,
          credential.salt.toString('base64'),
          credential.iterations,
          credential.storedKey.toString('base64'),
          credential.serverKey.toString('base64'),
        ],
      );
    }
  }
}
