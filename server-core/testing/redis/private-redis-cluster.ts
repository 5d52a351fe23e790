import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from './private-redis-server';
import { REDIS_POLL_MS, RedisProcessGroup, parseInfo, redisCommand } from './redis-process-group';
import { eventually } from '../eventually';

const run = promisify(execFile);

/**
 * A private Redis Cluster on 127.0.0.1: `masters` cluster-enabled redis-servers without
 * replicas or persistence, their cluster config files in a temporary directory, joined with
 * `redis-cli --cluster create`. `start()` returns once every node reports `cluster_state:ok`.
 */
export class PrivateRedisCluster {
  private constructor(private readonly group: RedisProcessGroup, readonly ports: number[]) {}

  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const group = new RedisProcessGroup('aim-redis-cluster');
    try {
      const ports: number[] = [];
      for (let i = 0; i < masters; i++) ports.push(await freePort());
      for (const port of ports) {
        await group.start(port, [
          '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', group.dir,
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
        ]);
      }
      await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20000 });
      await eventually('cluster_state:ok on every node', async () => {
        for (const port of ports) {
          if (parseInfo(String(await redisCommand(port, 'CLUSTER', 'INFO'))).cluster_state !== 'ok') return false;
        }
        return true;
      }, { timeoutMs: 15000, intervalMs: REDIS_POLL_MS });
      return new PrivateRedisCluster(group, ports);
    } catch (err) {
      await group.dispose();
      throw err;
    }
  }

  /** What to pass as `redis` to a RedisCluster node (every node as a seed). */
  get connection(): { clusterNodes: Array<{ host: string; port: number }> } {
    return { clusterNodes: this.ports.map((port) => ({ host: '127.0.0.1', port })) };
  }

  /** Port of the master serving the slot of `key`. */
  async portServing(key: string): Promise<number> {
    const slot = Number(await redisCommand(this.ports[0], 'CLUSTER', 'KEYSLOT', key));
    const ranges = (await redisCommand(this.ports[0], 'CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return Number(range[2][1]);
  }

  async stop(): Promise<void> {
    await this.group.dispose();
  }
}
