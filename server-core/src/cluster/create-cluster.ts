import type { Logger } from '../log';
import { InProcessCluster } from './in-process-cluster';
import { RedisCluster, type RedisClusterOptions } from './redis';
import type { Cluster } from './types';

export type ClusterConfig = { kind: 'none'; nodeId?: string } | ({ kind: 'redis' } & Omit<RedisClusterOptions, 'logger'>);

/** The cluster the configuration asks for: a single in-process node, or a Redis-coordinated one. */
export function createCluster(config: ClusterConfig, logger: Logger): Cluster {
  if (config.kind === 'none') return new InProcessCluster({ nodeId: config.nodeId, logger });
  const { kind: _kind, ...options } = config;
  return new RedisCluster({ ...options, logger });
}
