import { freePort } from './private-redis-server';
import { REDIS_POLL_MS, RedisProcessGroup, parseInfo, redisCommand } from './redis-process-group';
import { eventually } from '../eventually';

export interface PrivateSentinelOptions {
  /** Number of sentinels (quorum is a majority of them). Default 1. */
  sentinels?: number;
  /** Master name the sentinels monitor. Default 'aim-master'. */
  name?: string;
  /** How long the master must be unreachable before a sentinel thinks it is down. Default 400 ms. */
  downAfterMs?: number;
  /** Sentinel failover-timeout. Default 2000 ms. */
  failoverTimeoutMs?: number;
}

const SERVER_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

/**
 * A private Sentinel deployment on 127.0.0.1: one master, one replica and the sentinels that
 * monitor them, all non-persistent and on free ports. `start()` returns once the replica is in
 * sync and every sentinel knows the replica and the other sentinels, so a failover can happen.
 */
export class PrivateSentinel {
  private constructor(
    private readonly group: RedisProcessGroup,
    readonly name: string,
    /** Ports of the two data servers; which one is master changes with failovers. */
    readonly serverPorts: [number, number],
    readonly sentinelPorts: number[],
  ) {}

  static async start(options: PrivateSentinelOptions = {}): Promise<PrivateSentinel> {
    const name = options.name ?? 'aim-master';
    const count = options.sentinels ?? 1;
    const group = new RedisProcessGroup('aim-sentinel');
    try {
      const [masterPort, replicaPort] = [await freePort(), await freePort()];
      const sentinelPorts: number[] = [];
      for (let i = 0; i < count; i++) sentinelPorts.push(await freePort());
      const setup = new PrivateSentinel(group, name, [masterPort, replicaPort], sentinelPorts);
      await group.start(masterPort, ['--port', String(masterPort), ...SERVER_ARGS]);
      await group.start(replicaPort, ['--port', String(replicaPort), ...SERVER_ARGS, '--replicaof', '127.0.0.1', String(masterPort)]);
      await eventually('replica in sync', async () => parseInfo(String(await redisCommand(replicaPort, 'INFO', 'replication'))).master_link_status === 'up', { timeoutMs: 10000, intervalMs: REDIS_POLL_MS });
      const quorum = Math.floor(count / 2) + 1;
      for (const port of sentinelPorts) {
        const file = group.writeFile(`sentinel-${port}.conf`, [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${group.dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${masterPort} ${quorum}`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 400}`,
          `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 2000}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'));
        await group.start(port, [file, '--sentinel']);
      }
      await eventually('sentinels know the replica and each other', async () => {
        for (const port of sentinelPorts) {
          const master = pairs(await redisCommand(port, 'SENTINEL', 'MASTER', name));
          if (Number(master['num-slaves']) < 1 || Number(master['num-other-sentinels']) < count - 1) return false;
        }
        return true;
      }, { timeoutMs: 15000, intervalMs: REDIS_POLL_MS });
      return setup;
    } catch (err) {
      await group.dispose();
      throw err;
    }
  }

  /** What to pass as `redis` to a RedisCluster node. */
  get connection(): { sentinels: Array<{ host: string; port: number }>; name: string } {
    return { sentinels: this.sentinelPorts.map((port) => ({ host: '127.0.0.1', port })), name: this.name };
  }

  /** Port of the master as the first sentinel reports it. */
  async masterPort(): Promise<number> {
    const [, port] = (await redisCommand(this.sentinelPorts[0], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
    return Number(port);
  }

  /** Waits until the master has replicated everything written so far to its replica (WAIT). */
  async waitForReplication(timeoutMs = 2000): Promise<void> {
    const acked = Number(await redisCommand(await this.masterPort(), 'WAIT', 1, timeoutMs));
    if (acked < 1) throw new Error('the replica did not acknowledge the writes');
  }

  /** Asks a sentinel for a failover of a healthy master; resolves when every sentinel reports the other server as master. */
  async failover(timeoutMs = 15000): Promise<number> {
    const before = await this.masterPort();
    await redisCommand(this.sentinelPorts[0], 'SENTINEL', 'FAILOVER', this.name);
    return this.waitForNewMaster(before, timeoutMs);
  }

  /** Kills the master (SIGKILL); resolves with the new master's port once every sentinel reports it. */
  async killMaster(timeoutMs = 15000): Promise<number> {
    const before = await this.masterPort();
    await this.group.kill(before);
    return this.waitForNewMaster(before, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.group.dispose();
  }

  private async waitForNewMaster(before: number, timeoutMs: number): Promise<number> {
    const other = this.serverPorts.find((port) => port !== before) as number;
    await eventually(`sentinels promote ${other}`, async () => {
      for (const port of this.sentinelPorts) {
        const [, reported] = (await redisCommand(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as [string, string];
        if (Number(reported) !== other) return false;
      }
      return parseInfo(String(await redisCommand(other, 'INFO', 'replication'))).role === 'master';
    }, { timeoutMs, intervalMs: REDIS_POLL_MS });
    return other;
  }
}

/** Sentinel replies are flat field/value lists. */
function pairs(reply: unknown): Record<string, string> {
  const list = reply as string[];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]] = list[i + 1];
  return fields;
}
