import crypto from 'node:crypto';
import type { AccountStore } from '../../storage/stores';
import type { Logger } from '../../log';
import { sameToken } from './console-sessions';

/** Whether any account may sign in to the console. */
export async function hasAdministrator(accounts: AccountStore): Promise<boolean> {
  for (const username of await accounts.list()) {
    if ((await accounts.get(username))?.isAdmin) return true;
  }
  return false;
}

/**
 * The one-time token that lets the first administrator be created at `/setup`. It exists only
 * while no administrator exists, lives in memory only, is unrelated to the API bearer token,
 * and is printed once at start so the operator who started the server can use it.
 */
export interface SetupLink {
  url: string;
  token: string;
}

export class SetupToken {
  private token: string | undefined;

  /** The setup page and its token, when there is no administrator yet (the start block prints them). */
  async prepare(accounts: AccountStore, logger: Logger, adminUrl: string): Promise<SetupLink | undefined> {
    if (await hasAdministrator(accounts)) return undefined;
    this.token = crypto.randomBytes(18).toString('base64url');
    // The operator has to see this once; it stops working as soon as an administrator exists.
    logger.warn({ setupUrl: `${adminUrl}/setup`, setupToken: this.token }, 'no administrator account yet: open the setup page and enter this one-time setup token');
    return { url: `${adminUrl}/setup`, token: this.token };
  }

  get pending(): boolean {
    return this.token !== undefined;
  }

  matches(candidate: string | undefined): boolean {
    return this.token !== undefined && sameToken(candidate, this.token);
  }

  /** Spent: the first administrator exists. */
  consume(): void {
    this.token = undefined;
  }
}
