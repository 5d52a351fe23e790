import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface PrivateRedisOptions {
  /** How long to wait for the server to accept connections. Default 5000 ms. */
  startTimeoutMs?: number;
}

/**
 * A redis-server of a test's own, without persistence: stopping it loses every key, which is
 * the outage the cluster must survive. Start, stop and restart on the same port.
 */
export class PrivateRedisServer {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number, private readonly startTimeoutMs: number) {}

  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
    const server = new PrivateRedisServer(await freePort(), options.startTimeoutMs ?? 5000);
    await server.restart();
    return server;
  }

  get endpoint(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Starts the server (again) on its port and waits until it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('private redis is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await this.waitUntilAccepting();
  }

  /** Kills the server (SIGKILL: no shutdown save, all data gone). */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    this.child = null;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private waitUntilAccepting(): Promise<void> {
    const until = Date.now() + this.startTimeoutMs;
    return new Promise((resolve, reject) => {
      const probe = () => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', () => {
          socket.destroy();
          if (Date.now() > until) reject(new Error(`redis-server on port ${this.port} did not start`));
          else setTimeout(probe, 20);
        });
      };
      probe();
    });
  }
}
