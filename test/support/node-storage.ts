/** The storage of a test node: its default SQLite file, or a PostgreSQL schema of its own. */
import { randomBytes } from 'node:crypto';
import { onAdminConnection, TEST_POSTGRES_URL } from '../../server-core/testing/databases';

export interface NodeStorage {
  /** Merge into the node's config (empty for SQLite: the test default). */
  config: Record<string, unknown>;
  /** Drops the schema; call after the nodes using it stopped. */
  dispose(): Promise<void>;
}

/** Several nodes may share one PostgreSQL storage: the cluster's shared database. */
export async function nodeStorage(backend: 'sqlite' | 'postgres'): Promise<NodeStorage> {
  if (backend === 'sqlite') return { config: {}, dispose: async () => undefined };
  const schema = `t_node_${randomBytes(4).toString('hex')}`;
  await onAdminConnection(`CREATE SCHEMA ${schema}`);
  return {
    config: { storage: { kind: 'postgres', url: `${TEST_POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, poolSize: 3 } },
    dispose: () => onAdminConnection(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}
