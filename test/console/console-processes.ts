/**
 * The console of real node processes: the admin listener each node opens (read from its
 * start-up lines), an administrator account in the cluster's shared database, and the
 * admin API of a node with the bearer token it keeps in its data folder.
 */
import { readAdminToken } from '../../server-core/src/admin/admin-token';
import { openStorage } from '../../server-core/src/storage';
import { TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import type { ClusterNode, TestCluster } from '../support/cluster-harness';

/** Listeners of a console node: plain c2s for the test clients, and the admin listener. */
export const CONSOLE_LISTENERS = {
  c2s: { host: '127.0.0.1', port: 0 },
  c2sDirectTls: false,
  websocket: false,
  admin: { host: '127.0.0.1', port: 0 },
};

/** `http://127.0.0.1:<port>` of a node's admin listener, from its `admin listening on` line. */
export function adminUrlOf(node: ClusterNode): string {
  const found = /admin listening on ([\d.]+):(\d+)/.exec(node.output);
  if (!found) throw new Error(`node ${node.id} printed no admin listener`);
  return `http://${found[1]}:${found[2]}`;
}

/** An account with the administrator flag, created straight in the cluster's PostgreSQL schema. */
export async function createAdministrator(cluster: TestCluster, username: string, password: string): Promise<void> {
  const { db, stores } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: cluster.schema, poolSize: 1 }, { scramIterations: 1024 });
  try {
    await stores.accounts.create(username, password, { isAdmin: true });
  } finally {
    await db.close();
  }
}

/** The bearer token a node created in its data folder (the `data folder` start-up line). */
export function adminTokenOf(node: ClusterNode): string {
  const folder = /^ {2}data folder (.+)$/m.exec(node.output)?.[1];
  const token = folder === undefined ? undefined : readAdminToken(folder, {});
  if (!token) throw new Error(`node ${node.id} has no admin token in its data folder`);
  return token;
}

/** `GET <path>` on a node's admin API with that node's bearer token; the JSON body. */
export async function adminGet<T>(node: ClusterNode, path: string): Promise<T> {
  const response = await fetch(`${adminUrlOf(node)}${path}`, { headers: { authorization: `Bearer ${adminTokenOf(node)}` } });
  if (!response.ok) throw new Error(`GET ${path} on node ${node.id}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
