import type { CoreContext } from '../../../server/core-context';
import type { JsonValue } from '../../../cluster/types';
import { StreamError } from '../../../stream';

export const NODE_INFO_TASK = 'admin-console.node-info';
export const KICK_SESSION_TASK = 'admin-console.kick-session';

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

/**
 * Tasks every node with an admin listener answers: its own health (for the Cluster page) and
 * kicking one of its sessions (so an administrator on any node can kick any session).
 */
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
  const kick = core.cluster.registerTask(KICK_SESSION_TASK, (payload) => kickLocalSession(core, String(payload)));
  return () => {
    info.dispose();
    kick.dispose();
  };
}

/** Ends a session on this node with a policy-violation stream error; false when it is not here. */
export function kickLocalSession(core: CoreContext, fullJid: string): boolean {
  const session = core.sessions.get(fullJid);
  if (!session) return false;
  core.logger.info({ jid: fullJid }, 'session kicked by an administrator');
  session.kick(new StreamError('policy-violation', 'disconnected by an administrator'));
  return true;
}
