/** The Redis-backed cluster (standalone, Sentinel or Redis Cluster) and its options. */
export { RedisCluster } from './redis-cluster';
export { REDIS_CLUSTER_DEFAULTS, resolveRedisClusterOptions } from './options';
export type { RedisClusterOptions, RedisConnectionOptions, RedisEndpoint, ResolvedRedisClusterOptions } from './options';
