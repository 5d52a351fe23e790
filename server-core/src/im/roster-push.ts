import { Element } from 'ltx';
import { NS, parseXml } from '../xml';
import type { CoreContext } from '../core/core-context';

const ROSTER_PUSH_TOPIC = 'xmpp.roster-push';

interface RemotePush {
  owner: string;
  query: string;
}

/**
 * Sends roster pushes to every interested resource of a user (RFC 6121 2.1.6), on any node.
 * Whether a resource asked for the roster is only known where its session lives, so each
 * node holding a resource of the user gets the push once and picks its own interested
 * sessions: no per-session flag has to be replicated.
 */
export class RosterPusher {
  private readonly subscription: { dispose(): void };
  private sequence = 0;

  constructor(private readonly ctx: CoreContext) {
    this.subscription = ctx.cluster.onMessage(ROSTER_PUSH_TOPIC, (payload) => this.onRemotePush(payload));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  push(owner: string, item: Element, version: string): void {
    const query = new Element('query', { xmlns: NS.ROSTER, ver: version });
    query.cnode(item);
    const nodes = new Set(this.ctx.routes.resourcesOf(owner).map((route) => route.node));
    nodes.add(this.ctx.nodeId);
    for (const node of nodes) {
      if (node === this.ctx.nodeId) this.pushLocal(owner, query);
      else this.ctx.cluster.send(node, ROSTER_PUSH_TOPIC, JSON.stringify({ owner, query: query.toString() } satisfies RemotePush));
    }
  }

  private pushLocal(owner: string, query: Element): void {
    for (const session of this.ctx.sessions.ofUser(owner)) {
      if (!session.rosterRequested) continue;
      const iq = new Element('iq', { type: 'set', id: `roster-push-${++this.sequence}`, from: owner, to: session.fullJid });
      iq.cnode(parseXml(query.toString()));
      session.deliver(iq);
    }
  }

  private onRemotePush(payload: string): void {
    try {
      const push = JSON.parse(payload) as RemotePush;
      this.pushLocal(push.owner, parseXml(push.query));
    } catch (err) {
      this.ctx.logger.error({ err }, 'unreadable roster push from another node');
    }
  }
}
