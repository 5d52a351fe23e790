import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { Logger } from '../../log';
import type { RedisConnectionOptions } from './options';

export type RedisClient = Redis | Cluster;

/**
 * Opens a client for standalone, Sentinel or Redis Cluster. Reconnects forever with a
 * capped delay; errors are logged, never thrown at the process.
 */
export function connectRedis(connection: RedisConnectionOptions, role: string, reconnectMaxDelayMs: number, logger: Logger): RedisClient {
  const common: RedisOptions = {
    retryStrategy: (attempt) => Math.min(50 * attempt, reconnectMaxDelayMs),
    // Commands fail after a couple of reconnect attempts instead of piling up behind an outage.
    maxRetriesPerRequest: 2,
    password: connection.password,
    connectionName: `aim-cluster-${role}`,
  };
  let client: RedisClient;
  if (connection.clusterNodes?.length) {
    client = new Cluster(connection.clusterNodes, {
      clusterRetryStrategy: (attempt) => Math.min(50 * attempt, reconnectMaxDelayMs),
      redisOptions: common,
    });
  } else if (connection.sentinels?.length) {
    if (!connection.name) throw new Error('cluster: redis.sentinels requires redis.name (the master name)');
    client = new Redis({ ...common, sentinels: connection.sentinels, name: connection.name });
  } else if (connection.url) {
    client = new Redis(connection.url, common);
  } else {
    client = new Redis({ ...common, host: connection.host ?? '127.0.0.1', port: connection.port ?? 6379 });
  }
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
    if (err.message === lastError) return;
    lastError = err.message;
    logger.warn({ err: err.message, role }, 'redis connection error');
  });
  client.on('ready', () => {
    if (lastError) logger.info({ role }, 'redis connection restored');
    lastError = '';
  });
  return client;
}
