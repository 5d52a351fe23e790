import type { Logger } from '../log';

/** A resource (full JID) a lost node held, as the route table had it. */
export interface LostResource {
  fullJid: string;
  /** It was available: its contacts are told it went offline after every handler ran. */
  available: boolean;
}

export interface LostNode {
  nodeId: string;
  /** The resources it held; empty for a node that left holding none. */
  resources: readonly LostResource[];
  /** False once this node may no longer act for the cluster (it lost seniority or is stopping): stop early. */
  mayAct(): boolean;
}

export type NodeLostHandler = (lost: LostNode) => Promise<void> | void;

/**
 * Who cleans what when a node leaves without cleaning up: each owner of per-node or
 * per-session state registers a handler here, and the one coordinator (server/node-loss.ts)
 * calls every handler once per lost node, on one node of the cluster (the senior). A handler
 * that throws is logged with its owner's name; the others still run.
 */
export class NodeLostHandlers {
  private readonly handlers: Array<{ owner: string; handler: NodeLostHandler }> = [];

  constructor(private readonly logger: Logger) {}

  add(owner: string, handler: NodeLostHandler): () => void {
    const entry = { owner, handler };
    this.handlers.push(entry);
    return () => {
      const index = this.handlers.indexOf(entry);
      if (index >= 0) this.handlers.splice(index, 1);
    };
  }

  async run(lost: LostNode): Promise<void> {
    for (const { owner, handler } of [...this.handlers]) {
      if (!lost.mayAct()) return;
      try {
        await handler(lost);
      } catch (err) {
        this.logger.error({ err, owner, lostNode: lost.nodeId }, 'a node-loss handler failed; the others still run');
      }
    }
  }

  get count(): number {
    return this.handlers.length;
  }
}
