import { SqlAccountStore } from './account-store';
import { SqlBlocklistStore } from './blocklist-store';
import { SqlOfflineStore } from './offline-store';
import { SqlRosterStore } from './roster-store';
import { SqlVCardStore } from './vcard-store';
import { StorageError } from './stores';
import type { Stores } from './stores';
import type { Database } from './types';

export interface StoresOptions {
  /** PBKDF2 rounds for new SCRAM credentials. Default 4096, the minimum RFC 7677 recommends. */
  scramIterations?: number;
}

export const DEFAULT_SCRAM_ITERATIONS = 4096;

/** The core stores over one database whose core migrations have run. */
export function createStores(db: Database, options: StoresOptions = {}): Stores {
  const iterations = options.scramIterations ?? DEFAULT_SCRAM_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new StorageError('invalid', `scramIterations must be a positive integer (got ${iterations})`);
  }
  return {
    accounts: new SqlAccountStore(db, iterations),
    rosters: new SqlRosterStore(db),
    offline: new SqlOfflineStore(db),
    vcards: new SqlVCardStore(db),
    blocklists: new SqlBlocklistStore(db),
  };
}
