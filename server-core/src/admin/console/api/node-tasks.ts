import type { CoreContext } from '../../../core/core-context';
import type { JsonValue } from '../../../cluster/types';

export const NODE_INFO_TASK = 'admin-console.node-info';

export interface NodeInfo {
  nodeId: string;
  senior: boolean;
  localSessions: number;
  uptimeSeconds: number;
  database: { ok: boolean; latencyMs: number; error?: string };
}

/** A cheap round trip to the database through the account store. */
export async function checkDatabase(core: CoreContext): Promise<NodeInfo['database']> {
  const started = performance.now();
  try {
    await core.stores.accounts.exists('health-check');
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message : String(err) };
  }
}

/** The task every node with an admin listener answers: its own health, for the Cluster page. */
export function registerNodeTasks(core: CoreContext): () => void {
  const startedAt = Date.now();
  const info = core.cluster.registerTask(NODE_INFO_TASK, async () => {
    const answer: NodeInfo = {
      nodeId: core.nodeId,
      senior: core.cluster.isSenior(),
      localSessions: core.sessions.size,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      database: await checkDatabase(core),
    };
    return answer as unknown as JsonValue;
  });
  return () => info.dispose();
}
