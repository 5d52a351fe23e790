/**
 * Probes for supervisors and load balancers, on the admin listener without a token:
 * `/healthz` answers while the process serves HTTP (liveness: restart it when this fails);
 * `/readyz` answers 200 only when this node can serve users: its database answers, it is a
 * member of a cluster that has a senior, and no enabled plugin has failed (readiness: send it
 * clients only then). A failing check answers 503 and names the check.
 */
import type { CoreContext } from '../core/core-context';
import type { PluginHost } from '../plugins/plugin-host';
import { checkDatabase } from './console/api/node-tasks';
import { HttpError } from '../http/http-error';
import { compilePath } from '../http/path-pattern';
import type { AdminRoute } from './admin-routes';

type Check = { ok: true } | { ok: false; error: string };

function clusterCheck(core: CoreContext): Check {
  if (!core.cluster.members().includes(core.nodeId)) return { ok: false, error: 'this node is not a member of the cluster (Redis unreachable?)' };
  if (core.cluster.seniorId() === null) return { ok: false, error: 'the cluster has no senior node yet' };
  return { ok: true };
}

function pluginsCheck(plugins: PluginHost): Check {
  const failed = plugins.list().filter((plugin) => plugin.enabled && plugin.state === 'failed');
  if (failed.length === 0) return { ok: true };
  return { ok: false, error: failed.map((plugin) => `plugin ${plugin.name} failed: ${plugin.error ?? 'unknown reason'}`).join('; ') };
}

export function healthRoutes(core: CoreContext, plugins: PluginHost): AdminRoute[] {
  return [
    { method: 'GET', pattern: compilePath('/healthz'), public: true, handle: () => ({ status: 'ok', nodeId: core.nodeId }) },
    {
      method: 'GET',
      pattern: compilePath('/readyz'),
      public: true,
      async handle() {
        const database = await checkDatabase(core);
        const checks: Record<string, Check> = {
          database: database.ok ? { ok: true } : { ok: false, error: database.error ?? 'no answer' },
          cluster: clusterCheck(core),
          plugins: pluginsCheck(plugins),
        };
        const failing = Object.entries(checks).filter(([, check]) => !check.ok);
        if (failing.length > 0) {
          const message = failing.map(([name, check]) => `${name}: ${(check as { error: string }).error}`).join('; ');
          throw new HttpError(503, 'not-ready', message, undefined, { checks });
        }
        return { status: 'ready', nodeId: core.nodeId, checks };
      },
    },
  ];
}
