import type { Cluster } from '../../src/cluster/types';

export interface SeniorTenure {
  node: string;
  token: number;
  firstSeenAt: number;
}

/**
 * Samples `isSenior()` and `seniorToken()` of every node of one process every few milliseconds
 * and records what a single observer sees: how often two nodes believed they were senior at the
 * same instant, and the sequence of senior tenures (node, fencing token) in time order.
 */
export class SeniorityMonitor {
  readonly tenures: SeniorTenure[] = [];
  /** Samples in which more than one node was senior (ids of those nodes). */
  readonly overlaps: string[][] = [];
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly nodes: Cluster[], everyMs = 2) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** Tokens of consecutive tenures that did not strictly increase. */
  nonIncreasingTokens(): Array<[SeniorTenure, SeniorTenure]> {
    const bad: Array<[SeniorTenure, SeniorTenure]> = [];
    for (let i = 1; i < this.tenures.length; i++) {
      if (this.tenures[i].token <= this.tenures[i - 1].token) bad.push([this.tenures[i - 1], this.tenures[i]]);
    }
    return bad;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples++;
    const seniors = this.nodes.filter((n) => n.isSenior());
    if (seniors.length > 1) this.overlaps.push(seniors.map((n) => n.nodeId));
    for (const senior of seniors) {
      const token = senior.seniorToken();
      if (token === null) continue;
      const last = this.tenures[this.tenures.length - 1];
      if (!last || last.node !== senior.nodeId || last.token !== token) this.tenures.push({ node: senior.nodeId, token, firstSeenAt: Date.now() });
    }
  }
}
