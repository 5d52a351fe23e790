import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { Logger } from '../../log';
import type { RedisConnectionOptions, RedisEndpoint } from './options';
import { SentinelFailoverWatch } from './sentinel-failover-watch';

export type RedisClient = Redis | Cluster;

/**
 * Opens a client for standalone, Sentinel or Redis Cluster. Reconnects forever with a
 * capped delay; errors are logged, never thrown at the process. Through Sentinel, the client
 * reconnects as soon as a sentinel announces a new master, after calling `onMasterSwitched`.
 */
export function connectRedis(connection: RedisConnectionOptions, role: string, reconnectMaxDelayMs: number, logger: Logger, onMasterSwitched?: () => void): RedisClient {
  const common: RedisOptions = {
    retryStrategy: (attempt) => Math.min(50 * attempt, reconnectMaxDelayMs),
    // Commands fail after a couple of reconnect attempts instead of piling up behind an outage.
    maxRetriesPerRequest: 2,
    password: connection.password,
    connectionName: `aim-cluster-${role}`,
    // Commands issued in one tick (cache writes of one presence change, say) go out as one
    // write; order on the connection is kept. The subscriber only sends (un)subscribe.
    enableAutoPipelining: role !== 'subscriber',
  };
  let client: RedisClient;
  if (connection.clusterNodes?.length) {
    client = new Cluster(connection.clusterNodes, {
      clusterRetryStrategy: (attempt) => Math.min(50 * attempt, reconnectMaxDelayMs),
      redisOptions: common,
    });
  } else if (connection.sentinels?.length) {
    if (!connection.name) throw new Error('cluster: redis.sentinels requires redis.name (the master name)');
    const sentinelClient = new Redis({ ...common, sentinels: connection.sentinels, name: connection.name });
    const moveTo = reconnectOnMasterSwitch(sentinelClient);
    const watch = new SentinelFailoverWatch(connection.sentinels, connection.name, connection.password, reconnectMaxDelayMs, logger, (master) => {
      onMasterSwitched?.();
      moveTo(master);
    });
    sentinelClient.once('end', () => watch.close());
    client = sentinelClient;
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

/**
 * Moves a client to the master a sentinel announced: a connection elsewhere is dropped, so the
 * client asks the sentinels again; one already there is kept (every sentinel announces the
 * switch, some seconds later, and each needless reconnect loses what is published to a
 * subscriber meanwhile). A client that is asking the sentinels right now must not be
 * disconnected: ioredis then fails that connect attempt with "Connection is closed." and gives
 * the client up for good (status `end`, no reconnect). Such a client is checked once it is ready
 * instead, as the address it was resolving may be the old master's. A client waiting to
 * reconnect asks the sentinels anyway.
 */
export function reconnectOnMasterSwitch(client: Redis): (master: RedisEndpoint) => void {
  let announced: RedisEndpoint | undefined;
  let checkWhenReady = false;
  const moveIfElsewhere = (): void => {
    if (announced && !isConnectedTo(client, announced)) client.disconnect(true);
  };
  return (master) => {
    announced = master;
    if (client.status === 'ready' || client.status === 'connect') {
      moveIfElsewhere();
    } else if (client.status === 'connecting' && !checkWhenReady) {
      checkWhenReady = true;
      client.once('ready', () => {
        checkWhenReady = false;
        moveIfElsewhere();
      });
    }
  };
}

function isConnectedTo(client: Redis, master: RedisEndpoint): boolean {
  const { remoteAddress, remotePort } = client.stream ?? {};
  return remotePort === master.port && (remoteAddress === master.host || remoteAddress === `::ffff:${master.host}`);
}
