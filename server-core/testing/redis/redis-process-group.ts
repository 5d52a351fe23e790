import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { eventually } from '../eventually';

/** How often a test asks a redis process whether it is there yet: each check opens a connection. */
export const REDIS_POLL_MS = 50;

/** Sends one command to the redis-server (or sentinel) on `port` over a short-lived connection. */
export async function redisCommand(port: number, command: string, ...args: Array<string | number>): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}

/** Parses `INFO` / `CLUSTER INFO` text into field -> value. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}


/**
 * redis-server processes (servers and sentinels) of one test, sharing a temporary directory for
 * their config and state files. Every process is killed by its pid and the directory removed on
 * `dispose()`, and on process exit should a test run be torn down without it.
 */
export class RedisProcessGroup {
  readonly dir: string;
  private readonly children = new Map<number, ChildProcess>();
  private readonly killAllOnExit = () => {
    for (const child of this.children.values()) child.kill('SIGKILL');
  };

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    process.once('exit', this.killAllOnExit);
  }

  /** Writes a file into the group's directory and returns its path. */
  writeFile(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  /** Starts `redis-server <args>` listening on `port` and waits until it answers PING. */
  async start(port: number, args: string[], startTimeoutMs = 5000): Promise<void> {
    if (this.children.has(port)) throw new Error(`a redis process already runs on port ${port}`);
    const child = spawn('redis-server', args, { stdio: 'ignore', cwd: this.dir });
    this.children.set(port, child);
    child.once('exit', () => {
      if (this.children.get(port) === child) this.children.delete(port);
    });
    await eventually(`redis process on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis process on port ${port} exited with ${child.exitCode}`);
      return (await redisCommand(port, 'PING')) === 'PONG';
    }, { timeoutMs: startTimeoutMs, intervalMs: REDIS_POLL_MS });
  }

  isRunning(port: number): boolean {
    return this.children.has(port);
  }

  /** SIGKILL: the process dies at once, as in a crash. */
  kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child) return Promise.resolve();
    this.children.delete(port);
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.children.keys()].map((port) => this.kill(port)));
    process.removeListener('exit', this.killAllOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
