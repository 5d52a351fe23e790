import { hostMonotonicNow } from '../cluster/monotonic-clock';
import type { LostResource } from '../cluster/node-lost-handlers';
import { StreamError } from '../stream';
import type { CoreContext } from '../core/core-context';
import type { SessionPresence } from '../session/session-manager';

/**
 * How long a node must be missing from the member list, as this node sees it, before its
 * sessions are taken for lost. Right after Redis lost its data (or this node just became
 * senior), live members are missing until their next heartbeat; waiting longer than one
 * heartbeat keeps a live node's sessions from being announced unavailable.
 */
export const LOST_NODE_GRACE_MS = 1500;

interface LostRoute extends LostResource {
  node: string;
}

/**
 * What happens to the sessions of a node that went away without cleaning up (crash, kill,
 * a pause past its heartbeat timeout):
 *
 * - the senior, and only the senior (checked right before every step), removes the lost
 *   node's routes, calls every node-lost handler once for it (ctx.nodeLost: each owner of
 *   per-session or per-node state cleans its own, such as the presence and carbons caches and
 *   plugins' state), then sends one unavailable presence per lost available resource to its
 *   subscribers and the user's other resources. It does so when a member leaves and again when
 *   it becomes senior, so losses that happened while no one was senior (or while the previous
 *   senior was failing) are handled too; routes are removed before anything else, so a second
 *   sweep never sees them again. A member that left holding no route is handled once too, when
 *   this node saw it leave as the senior.
 * - a node that starts with the id of a dead one removes the routes it left behind itself,
 *   before it accepts clients, and tells their contacts.
 * - a node that was only paused and finds the routes of its live sessions removed by another
 *   node disconnects those clients (they were announced unavailable; reconnecting restores them).
 */
export class NodeLossHandler {
  private readonly undo: Array<() => void> = [];
  /** Sweeps run one after the other, so one never works from a list another is consuming. */
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  /** Nodes holding routes but missing from the member list, since when (monotonic ms). */
  private readonly absentSince = new Map<string, number>();
  private recheck: NodeJS.Timeout | undefined;
  /** Members seen leaving while this node was senior, until they are handled or come back. */
  private readonly leftMembers = new Set<string>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly presence: Pick<SessionPresence, 'resourceLost'>,
    private readonly graceMs = LOST_NODE_GRACE_MS,
  ) {}

  /** Starts watching the cluster; call `purgeStaleRoutesOfThisNode` before accepting clients. */
  install(): void {
    const { cluster } = this.ctx;
    const onMemberLeft = (node: string) => {
      if (cluster.isSenior()) this.leftMembers.add(node);
      this.enqueue(() => this.sweepAsSenior(`member ${node} left`));
    };
    const onMemberJoined = (node: string) => this.leftMembers.delete(node);
    const onMarkedSenior = () => this.enqueue(() => this.sweepAsSenior('marked senior'));
    cluster.on('memberLeft', onMemberLeft);
    cluster.on('memberJoined', onMemberJoined);
    cluster.on('markedSenior', onMarkedSenior);
    this.undo.push(
      () => cluster.off('memberLeft', onMemberLeft),
      () => cluster.off('memberJoined', onMemberJoined),
      () => cluster.off('markedSenior', onMarkedSenior),
      this.ctx.routes.onRemoved((fullJid, origin) => this.onRouteRemoved(fullJid, origin)),
    );
    if (cluster.isSenior()) onMarkedSenior();
  }

  /** Routes that carry this node's id but no live session here were left by an earlier process with the same id. */
  async purgeStaleRoutesOfThisNode(): Promise<void> {
    await this.ctx.routes.ready();
    const own = this.ctx.nodeId;
    const stale = this.lostRoutes((route) => route.node === own && !this.ctx.sessions.get(route.fullJid));
    if (stale.length === 0) return;
    this.ctx.logger.warn({ event: 'staleRoutesPurged', node: own, resources: stale.length }, 'removing routes an earlier process with this node id left behind');
    await this.purge([own], stale, () => !this.disposed);
  }

  /** Waits for the sweep in progress; later events are ignored. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.recheck) clearTimeout(this.recheck);
    for (const undo of this.undo.splice(0)) undo();
    await this.queue;
  }

  private enqueue(sweep: () => Promise<void>): void {
    this.queue = this.queue
      .then(sweep)
      .catch((err: unknown) => this.ctx.logger.error({ err }, 'node loss handling failed; the next membership change or seniority retries it'));
  }

  private async sweepAsSenior(trigger: string): Promise<void> {
    const { cluster } = this.ctx;
    if (this.disposed || !cluster.isSenior()) return;
    await this.ctx.routes.ready();
    const members = new Set(cluster.members());
    for (const node of this.leftMembers) if (members.has(node)) this.leftMembers.delete(node);
    const missing = this.lostRoutes((route) => !members.has(route.node));
    const lostNodes = this.nodesMissingLongEnough(new Set([...missing.map((route) => route.node), ...this.leftMembers]));
    const lost = missing.filter((route) => lostNodes.has(route.node));
    if (lostNodes.size === 0) return;
    const mayAct = () => !this.disposed && cluster.isSenior();
    if (!mayAct()) return;
    for (const node of new Set(lost.map((route) => route.node))) {
      this.ctx.logger.warn(
        { event: 'seniorAction', action: 'purgeLostNode', lostNode: node, resources: lost.filter((r) => r.node === node).length, trigger, fencingToken: cluster.seniorToken(), monotonicMs: hostMonotonicNow() },
        'purging the sessions of a lost node',
      );
    }
    await this.purge([...lostNodes], lost, mayAct);
  }

  /** Records when each missing node was first seen missing; answers those missing for the whole grace period. */
  private nodesMissingLongEnough(missing: Set<string>): Set<string> {
    const now = hostMonotonicNow();
    for (const node of this.absentSince.keys()) if (!missing.has(node)) this.absentSince.delete(node);
    const lost = new Set<string>();
    let soonest = Infinity;
    for (const node of missing) {
      const since = this.absentSince.get(node) ?? now;
      this.absentSince.set(node, since);
      const waited = now - since;
      if (waited >= this.graceMs) lost.add(node);
      else soonest = Math.min(soonest, this.graceMs - waited);
    }
    if (soonest !== Infinity && !this.recheck && !this.disposed) {
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        this.enqueue(() => this.sweepAsSenior('lost-node grace period over'));
      }, soonest + 1);
      this.recheck.unref();
    }
    return lost;
  }

  private lostRoutes(isLost: (route: { fullJid: string; node: string }) => boolean): LostRoute[] {
    return this.ctx.routes
      .entries()
      .filter(isLost)
      .map(({ fullJid, node, available }) => ({ fullJid, node, available }));
  }

  /**
   * Routes first, then every owner's handler once per lost node, presence last: a later sweep
   * must find nothing left to announce, and contacts hear of the loss once the state is clean.
   */
  private async purge(nodes: string[], lost: LostRoute[], mayAct: () => boolean): Promise<void> {
    for (const { fullJid } of lost) {
      if (!mayAct()) return;
      await this.ctx.routes.remove(fullJid);
    }
    for (const nodeId of nodes) {
      this.leftMembers.delete(nodeId);
      const resources = lost.filter((route) => route.node === nodeId).map(({ fullJid, available }) => ({ fullJid, available }));
      await this.ctx.nodeLost.run({ nodeId, resources, mayAct });
    }
    for (const { fullJid } of lost.filter((route) => route.available)) {
      if (!mayAct()) return;
      await this.presence.resourceLost(fullJid);
    }
    // Operators (and tests) can tell the loss is fully handled: nothing more is announced for it.
    this.ctx.logger.info({ event: 'lostNodesPurged', lostNodes: nodes, resources: lost.length }, 'the sessions of lost nodes are purged');
  }

  /** Another node removed the route of a session that lives here: this node was taken for dead. */
  private onRouteRemoved(key: string, origin: string): void {
    if (origin === this.ctx.nodeId || this.disposed) return;
    const session = this.ctx.sessions.get(key);
    if (!session || session.isEnded) return;
    this.ctx.logger.warn({ event: 'sessionFenced', jid: key, by: origin }, 'the cluster took this node for lost and announced the session unavailable; disconnecting it');
    // Its contacts already got its unavailable presence from the senior: do not send a second one.
    session.available = false;
    session.kick(new StreamError('connection-timeout', 'this server was unreachable for a while; please reconnect'));
  }
}
