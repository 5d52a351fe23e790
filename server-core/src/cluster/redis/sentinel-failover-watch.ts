import Redis from 'ioredis';
import type { Logger } from '../../log';
import type { RedisEndpoint } from './options';

/**
 * Listens to `+switch-master` on every sentinel and reports where the named master moved. Each
 * sentinel announces the same switch, some only seconds later (when they hear of it).
 *
 * A Sentinel failover of a master that is still running leaves the old master accepting writes
 * until the sentinels demote it (seconds later), and clients stay connected to it meanwhile:
 * their writes are then lost, and nodes that connect afresh meet another master. Reacting to
 * the sentinels' announcement moves every connection at once. (ioredis' own `failoverDetector`
 * can leave a client closed for good after a killed master and keeps its sentinel connections
 * open after `quit()`, so it is not used.)
 */
export class SentinelFailoverWatch {
  private readonly clients: Redis[];
  private closed = false;

  constructor(sentinels: RedisEndpoint[], masterName: string, password: string | undefined, reconnectMaxDelayMs: number, logger: Logger, onSwitch: (master: RedisEndpoint) => void) {
    this.clients = sentinels.map((endpoint) => {
      const client = new Redis({
        host: endpoint.host,
        port: endpoint.port,
        password,
        retryStrategy: (attempt) => Math.min(50 * attempt, reconnectMaxDelayMs),
        connectionName: 'aim-cluster-failover-watch',
      });
      client.on('error', () => undefined); // a sentinel down is normal; the others still report
      client.on('message', (_channel: string, message: string) => {
        // "<master name> <old ip> <old port> <new ip> <new port>"
        const [name, , , host, port] = message.split(' ');
        if (this.closed || name !== masterName || !host || !port) return;
        logger.warn({ master: masterName, change: message }, 'sentinel switched the redis master');
        onSwitch({ host, port: Number(port) });
      });
      client.subscribe('+switch-master').catch(() => undefined); // re-subscribed by ioredis on reconnect
      return client;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.clients) client.disconnect();
  }
}
