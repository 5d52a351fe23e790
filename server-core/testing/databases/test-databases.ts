import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseOptions } from '../../src/storage/open-database';

/**
 * Throwaway databases for tests: a SQLite file in its own temp folder, or a freshly created
 * PostgreSQL schema, so parallel test runs on the shared server never see each other.
 */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestBackend = 'sqlite' | 'postgres';
export const TEST_BACKENDS: TestBackend[] = ['sqlite', 'postgres'];

export interface TestDatabaseLocation {
  options: DatabaseOptions;
  /** Removes the file or drops the schema; call after every connection is closed. */
  dispose(): Promise<void>;
}

/** Runs one statement on a connection of its own to the test database (schema create/drop). */
export async function onAdminConnection(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabaseLocation(backend: TestBackend): Promise<TestDatabaseLocation> {
  const suffix = randomBytes(6).toString('hex');
  if (backend === 'sqlite') {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'asterisk-im-storage-'));
    return {
      options: { kind: 'sqlite', file: path.join(folder, 'nested', 'server.sqlite') },
      dispose: async () => fs.rmSync(folder, { recursive: true, force: true }),
    };
  }
  const schema = `t_${suffix}`;
  await onAdminConnection(`CREATE SCHEMA ${schema}`);
  return {
    options: { kind: 'postgres', url: TEST_POSTGRES_URL, schema, poolSize: 4 },
    dispose: () => onAdminConnection(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}
