import type { CoreContext } from '../../../core/core-context';
import type { JsonValue } from '../../../cluster/types';
import type { AdminRoute } from '../../admin-routes';
import { route } from './route-builder';
import { NODE_INFO_TASK, type NodeInfo } from './node-tasks';

const NODE_INFO_TIMEOUT_MS = 2000;

/**
 * `GET /api/cluster`: members, the senior, sessions per node from the route table, and each
 * node's own answer (local sessions, database). Redis is healthy when every member answered
 * the task round trip through it.
 */
export function clusterRoutes(core: CoreContext): AdminRoute[] {
  return [
    route('GET', '/api/cluster', async () => {
      const results = await core.cluster.runOnAll(NODE_INFO_TASK, null, { timeoutMs: NODE_INFO_TIMEOUT_MS }).catch((err: unknown) => [
        { nodeId: core.nodeId, ok: false as const, error: err instanceof Error ? err.message : String(err) },
      ]);
      const perNode = new Map<string, number>();
      for (const r of core.routes.entries()) perNode.set(r.node, (perNode.get(r.node) ?? 0) + 1);
      const members = new Set([...core.cluster.members(), ...results.map((r) => r.nodeId), ...perNode.keys()]);
      const senior = core.cluster.seniorId();
      const nodes = [...members].sort().map((nodeId) => {
        const result = results.find((r) => r.nodeId === nodeId);
        const info = result?.ok ? (result.value as unknown as NodeInfo) : undefined;
        return {
          nodeId,
          self: nodeId === core.nodeId,
          senior: nodeId === senior,
          routedSessions: perNode.get(nodeId) ?? 0,
          localSessions: info?.localSessions ?? null,
          uptimeSeconds: info?.uptimeSeconds ?? null,
          database: info?.database ?? null,
          answered: Boolean(result?.ok),
          error: result && !result.ok ? result.error : null,
        };
      });
      const unanswered = nodes.filter((n) => !n.answered).map((n) => n.nodeId);
      const redis = core.cluster.clustered
        ? { mode: 'redis', ok: unanswered.length === 0, detail: unanswered.length === 0 ? 'every member answered through Redis' : `no answer from ${unanswered.join(', ')}` }
        : { mode: 'none', ok: true, detail: 'single node, no Redis configured' };
      const database = nodes.find((n) => n.self)?.database ?? null;
      return { nodeId: core.nodeId, senior, clustered: core.cluster.clustered, redis, database, nodes } as unknown as JsonValue;
    }),
  ];
}
