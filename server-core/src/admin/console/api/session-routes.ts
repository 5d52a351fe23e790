import type { CoreContext } from '../../../core/core-context';
import type { AdminRoute } from '../../admin-routes';
import { HttpError } from '../../../http/http-error';
import { route } from './route-builder';

/** Kicks a resource wherever it is bound: locally, or on its node through a cluster task. */
export async function kickSession(core: CoreContext, fullJid: string): Promise<{ jid: string; node: string; kicked: boolean }> {
  const where = core.routes.get(fullJid);
  if (!where) throw new HttpError(404, 'not-found', `no session ${fullJid} is online`, 'jid');
  const ended = await core.sessionEnding.endResource({ jid: fullJid, condition: 'policy-violation', text: 'disconnected by an administrator' });
  return { jid: fullJid, node: ended?.node ?? where.node, kicked: ended?.ended ?? false };
}

/** `GET /api/sessions` (who is online where) and `DELETE /api/sessions/:jid` (kick). */
export function sessionRoutes(core: CoreContext): AdminRoute[] {
  return [
    route('GET', '/api/sessions', () => {
      const sessions = core.routes
        .entries()
        .map(({ fullJid: jid, ...r }) => {
          const local = r.node === core.nodeId ? core.sessions.get(jid) : undefined;
          return { jid, node: r.node, available: r.available, priority: r.priority, since: local ? new Date(local.createdAt).toISOString() : null };
        })
        .sort((a, b) => a.jid.localeCompare(b.jid));
      return { sessions };
    }),
    route('DELETE', '/api/sessions/:jid', ({ params }) => kickSession(core, params.jid)),
  ];
}
