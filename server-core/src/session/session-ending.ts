import type { Logger } from '../log';
import type { Cluster, JsonValue } from '../cluster/types';
import type { LocalSessions } from './local-sessions';
import type { RouteTable } from './route-table';
import { StreamError, type StreamErrorCondition } from '../stream';

/** The one task that ends sessions on another node, whatever the reason. */
export const END_SESSIONS_TASK = 'xmpp.end-sessions';

export interface EndSessionsRequest {
  /** A full JID ends that resource; a bare JID ends every resource of the account. */
  jid: string;
  condition: StreamErrorCondition;
  text: string;
  /**
   * A new session takes the full JID over (RFC 6120 7.7.2.2): the old one leaves the local table
   * at once, so the new bind does not wait for the old stream to finish closing.
   */
  replaced?: boolean;
}

/**
 * Ends client sessions anywhere in the cluster with a stream error: resource takeover
 * (`conflict`), an administrator's kick (`policy-violation`), a changed password (`reset`) or
 * a deleted account (`not-authorized`).
 */
export class SessionEnding {
  private readonly task: { dispose(): void };

  constructor(
    private readonly sessions: LocalSessions,
    private readonly routes: RouteTable,
    private readonly cluster: Cluster,
    private readonly logger: Logger,
  ) {
    this.task = cluster.registerTask(END_SESSIONS_TASK, (payload) => this.endLocal(payload as unknown as EndSessionsRequest));
  }

  dispose(): void {
    this.task.dispose();
  }

  /**
   * Ends matching sessions on this node; answers how many it ended. A replaced session has
   * ended completely when this resolves (what it had not delivered is settled), so the new
   * session of the same full JID starts after it.
   */
  async endLocal(request: EndSessionsRequest): Promise<number> {
    const targets = request.jid.includes('/') ? [this.sessions.get(request.jid)].filter((s) => s !== undefined) : this.sessions.ofUser(request.jid);
    const ends: Array<Promise<void>> = [];
    for (const session of targets) {
      this.logger.info({ jid: session.fullJid, condition: request.condition }, 'ending session');
      if (request.replaced) this.sessions.remove(session);
      session.kick(new StreamError(request.condition, request.text));
      if (request.replaced) ends.push(session.end());
    }
    await Promise.all(ends);
    return targets.length;
  }

  /** Ends one resource wherever it is bound; undefined when it is not online. */
  async endResource(request: EndSessionsRequest, timeoutMs = 3000): Promise<{ node: string; ended: boolean } | undefined> {
    if ((await this.endLocal(request)) > 0) return { node: this.cluster.nodeId, ended: true };
    const where = this.routes.get(request.jid);
    if (!where || where.node === this.cluster.nodeId) return undefined;
    const ended = await this.cluster.runOnNode(where.node, END_SESSIONS_TASK, request as unknown as JsonValue, { timeoutMs });
    return { node: where.node, ended: Number(ended) > 0 };
  }

  /** Ends every session of a bare JID on every node; answers how many ended. */
  async endUser(request: EndSessionsRequest, timeoutMs = 3000): Promise<number> {
    const results = await this.cluster.runOnAll(END_SESSIONS_TASK, request as unknown as JsonValue, { timeoutMs });
    for (const failed of results.filter((r) => !r.ok)) this.logger.warn({ node: failed.nodeId, jid: request.jid, error: failed.ok ? undefined : failed.error }, 'a node did not confirm ending sessions');
    return results.reduce((sum, r) => sum + (r.ok ? Number(r.value) || 0 : 0), 0);
  }
}
