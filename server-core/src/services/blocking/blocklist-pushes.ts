import { Element, clone } from 'ltx';
import { parseXml } from '../../xml';
import type { CoreContext } from '../../core/core-context';

const PUSH_TASK = 'xmpp.blocklist-push';

interface PushPayload {
  [key: string]: string;
  owner: string;
  xml: string;
}

/**
 * Sends a block or unblock push (XEP-0191 3.3, 3.4) to every resource of the owner that asked
 * for the blocklist. That interest is session state, so each node holding one of the owner's
 * sessions is asked to push to its own.
 */
export class BlocklistPushes {
  private readonly task: { dispose(): void };
  private sequence = 0;

  constructor(private readonly ctx: CoreContext) {
    this.task = ctx.cluster.registerTask(PUSH_TASK, (payload) => {
      const { owner, xml } = payload as PushPayload;
      this.pushLocally(owner, parseXml(xml));
      return null;
    });
  }

  async push(owner: string, change: Element): Promise<void> {
    const payload: PushPayload = { owner, xml: change.toString() };
    const nodes = new Set(this.ctx.routes.resourcesOf(owner).map((route) => route.node));
    await Promise.all(
      [...nodes].map(async (node) => {
        if (node === this.ctx.nodeId) return this.pushLocally(owner, change);
        try {
          await this.ctx.cluster.runOnNode(node, PUSH_TASK, payload);
        } catch (err) {
          this.ctx.logger.warn({ err, node, owner }, 'blocklist push did not reach a node');
        }
      }),
    );
  }

  dispose(): void {
    this.task.dispose();
  }

  private pushLocally(owner: string, change: Element): void {
    for (const session of this.ctx.sessions.ofUser(owner)) {
      if (!session.blocklistRequested) continue;
      const iq = new Element('iq', { type: 'set', id: `block-push-${++this.sequence}`, to: session.fullJid });
      iq.cnode(clone(change));
      session.deliver(iq);
    }
  }
}
