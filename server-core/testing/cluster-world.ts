import { randomUUID } from 'node:crypto';
import { RedisCluster } from '../src/cluster/redis/redis-cluster';
import type { RedisClusterOptions } from '../src/cluster/redis/options';
import { TEST_REDIS } from './redis/test-redis';

/** Short timings so lease and membership behaviour shows within a fraction of a second. */
export const FAST_TIMINGS = { leaseMs: 600, renewEveryMs: 100, leaseSafetyMarginMs: 120, heartbeatMs: 100, memberTimeoutMs: 400, taskTimeoutMs: 1000, resyncRetryMs: 100, reconnectMaxDelayMs: 100 } as const;

/** Nodes of one test cluster, on a namespace no other test run shares. */
export class TestClusterWorld {
  readonly namespace = `test-${randomUUID().slice(0, 8)}`;
  private readonly nodes: RedisCluster[] = [];

  constructor(private readonly redis: RedisClusterOptions['redis'] = TEST_REDIS) {}

  node(nodeId: string, overrides: Partial<RedisClusterOptions> = {}): RedisCluster {
    const node = new RedisCluster({ nodeId, namespace: this.namespace, redis: this.redis, ...FAST_TIMINGS, ...overrides });
    this.nodes.push(node);
    return node;
  }

  async startNodes(...ids: string[]): Promise<RedisCluster[]> {
    const nodes = ids.map((id) => this.node(id));
    await Promise.all(nodes.map((n) => n.start()));
    return nodes;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a write until Redis takes it: writes fail while the nodes reconnect (restart, failover). */
export async function writeWhenReachable(write: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(20);
    }
  }
}
