/**
 * The cluster layer: membership, seniority, replicated caches, tasks and node-to-node messages,
 * with one interface and two implementations (in-process and Redis). See docs/clustering.md.
 */
export type * from './types';
export { toJsonValue } from './jsonify';
export type { Jsonify, JsonShaped } from './jsonify';
export { InProcessCluster, IN_PROCESS_DEFAULTS } from './in-process-cluster';
export type { InProcessClusterOptions } from './in-process-cluster';
export { RedisCluster, REDIS_CLUSTER_DEFAULTS } from './redis';
export type { RedisClusterOptions, RedisConnectionOptions, RedisEndpoint } from './redis';
export { createCluster } from './create-cluster';
export type { ClusterConfig } from './create-cluster';
export { ClusterTaskError } from './tasks';
export type { TaskErrorKind } from './tasks';
export { RESYNC_ORIGIN, FencedWriteError } from './cache';
