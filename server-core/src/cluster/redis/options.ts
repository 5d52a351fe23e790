import type { Logger } from '../../log';

export interface RedisEndpoint {
  host: string;
  port: number;
}

/** How to reach Redis: a URL or host/port (standalone), Sentinels plus master name, or Redis Cluster nodes. */
export interface RedisConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  password?: string;
  /** Sentinel endpoints; requires `name`. */
  sentinels?: RedisEndpoint[];
  /** Sentinel master name. */
  name?: string;
  /** Redis Cluster seed nodes. */
  clusterNodes?: RedisEndpoint[];
}

export interface RedisClusterOptions {
  /** Stable id of this node. Default: hostname-pid. */
  nodeId?: string;
  /** Prefix of every key and channel; nodes with one namespace form one cluster. Default 'aim'. */
  namespace?: string;
  redis?: RedisConnectionOptions;
  /** How long a seniority lease lives in Redis without renewal. Default 3000 ms. */
  leaseMs?: number;
  /** Senior renews, others try to acquire, this often. Default leaseMs / 3. */
  renewEveryMs?: number;
  /**
   * The senior stops considering itself senior this long before the lease could expire in
   * Redis, to cover clock-rate drift between hosts and Redis expiry lag. Default 20% of leaseMs.
   */
  leaseSafetyMarginMs?: number;
  /** Membership heartbeat period. Default 1000 ms. */
  heartbeatMs?: number;
  /** A member silent this long is considered gone. Default 3 × heartbeatMs. */
  memberTimeoutMs?: number;
  /** Default timeout of task calls. Default 5000 ms. */
  taskTimeoutMs?: number;
  /** Delay before retrying a cache reload that failed (Redis unreachable). Default 500 ms. */
  resyncRetryMs?: number;
  /** Upper bound of the delay between reconnect attempts. Default 1000 ms. */
  reconnectMaxDelayMs?: number;
  logger?: Logger;
}

export type ResolvedRedisClusterOptions = Required<Omit<RedisClusterOptions, 'logger' | 'redis'>> & {
  redis: RedisConnectionOptions;
};

/** Every default of the Redis cluster, in one place. */
export const REDIS_CLUSTER_DEFAULTS = {
  namespace: 'aim',
  redis: { host: '127.0.0.1', port: 6379 },
  leaseMs: 2500,
  renewEveryFraction: 1 / 3,
  leaseSafetyFraction: 0.2,
  heartbeatMs: 1000,
  memberTimeoutHeartbeats: 3,
  taskTimeoutMs: 5000,
  resyncRetryMs: 500,
  reconnectMaxDelayMs: 1000,
} as const;

export function resolveRedisClusterOptions(options: RedisClusterOptions, defaultNodeId: string): ResolvedRedisClusterOptions {
  const d = REDIS_CLUSTER_DEFAULTS;
  const leaseMs = options.leaseMs ?? d.leaseMs;
  const heartbeatMs = options.heartbeatMs ?? d.heartbeatMs;
  const resolved: ResolvedRedisClusterOptions = {
    nodeId: options.nodeId ?? defaultNodeId,
    namespace: options.namespace ?? d.namespace,
    redis: options.redis ?? { ...d.redis },
    leaseMs,
    renewEveryMs: options.renewEveryMs ?? Math.max(1, Math.floor(leaseMs * d.renewEveryFraction)),
    leaseSafetyMarginMs: options.leaseSafetyMarginMs ?? Math.ceil(leaseMs * d.leaseSafetyFraction),
    heartbeatMs,
    memberTimeoutMs: options.memberTimeoutMs ?? heartbeatMs * d.memberTimeoutHeartbeats,
    taskTimeoutMs: options.taskTimeoutMs ?? d.taskTimeoutMs,
    resyncRetryMs: options.resyncRetryMs ?? d.resyncRetryMs,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? d.reconnectMaxDelayMs,
  };
  if (resolved.renewEveryMs + resolved.leaseSafetyMarginMs >= leaseMs) {
    throw new Error('cluster: renewEveryMs + leaseSafetyMarginMs must be below leaseMs, or the senior loses its lease between renewals');
  }
  if (resolved.memberTimeoutMs <= heartbeatMs) throw new Error('cluster: memberTimeoutMs must exceed heartbeatMs');
  if (!/^[A-Za-z0-9_.:-]+$/.test(resolved.nodeId)) throw new Error(`cluster: nodeId '${resolved.nodeId}' may only use letters, digits and _ . : -`);
  return resolved;
}
