/**
 * A cluster of real server processes for tests: N nodes started with the CLI
 * (`node --import tsx server-core/src/cli/main.ts start --config <file>`) on free loopback ports,
 * sharing one Redis namespace and one PostgreSQL schema of their own. Every node's structured
 * log lines are kept for assertions. `stop()` kills whatever is still running and drops the schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../server-core/src/storage';
import { onAdminConnection as adminQuery, TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import { TEST_REDIS } from '../../server-core/testing/redis';
import type { ServerAddress } from './xmpp-client';

/** Same clock as the nodes' `monotonicMs` log fields (CLOCK_MONOTONIC, shared by the host's processes). */
export const hostMonotonicMs = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'server-core/src/cli/main.ts');

export interface LogLine {
  msg?: string;
  event?: string;
  fencingToken?: number;
  monotonicMs?: number;
  seniorUntilMonotonicMs?: number;
  [key: string]: unknown;
}

export interface ClusterHarnessOptions {
  /** Seniority lease of every node. Default 1000 ms (the product default is 2500). */
  leaseMs?: number;
  redis?: { host: string; port: number };
  /** Extra config merged at the top level of every node's file (e.g. `auth`, `listeners`). */
  config?: Record<string, unknown>;
  /** How long a node may take to print `ready`. Default 60000 ms. */
  startTimeoutMs?: number;
}

export class ClusterNode implements ServerAddress {
  readonly domain = 'localhost';
  c2sPort = 0;
  readonly directTlsPort = 0;
  readonly websocketUrl = '';
  readonly logs: LogLine[] = [];
  output = '';
  readonly exited: Promise<void>;
  /** Host monotonic time the process was seen to exit (a dead process holds nothing). */
  exitedAtMonotonicMs: number | null = null;

  constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.exitedAtMonotonicMs = hostMonotonicMs();
        resolve();
      }),
    );
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Resolves with the first log line (past or future) that matches. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10000, what = 'a matching log line'): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`node ${this.id} did not log ${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private onLine(line: string): void {
    if (line.startsWith('{')) {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
        return;
      } catch {
        // not a log line after all
      }
    }
    this.output += `${line}\n`;
    const listening = /c2s listening on [\d.]+:(\d+)/.exec(line);
    if (listening) this.c2sPort = Number(listening[1]);
  }
}

export class TestCluster {
  readonly namespace = `t-${randomBytes(5).toString('hex')}`;
  readonly schema = `c_${randomBytes(6).toString('hex')}`;
  readonly nodes: ClusterNode[] = [];
  private readonly folder = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-cluster-'));
  private schemaCreated = false;

  constructor(private readonly options: ClusterHarnessOptions = {}) {}

  get storageUrl(): string {
    return `${TEST_POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${this.schema}`)}`;
  }

  /** Starts nodes in parallel; resolves once each printed `ready`. */
  async start(...ids: string[]): Promise<ClusterNode[]> {
    if (!this.schemaCreated) {
      await adminQuery(`CREATE SCHEMA ${this.schema}`);
      this.schemaCreated = true;
    }
    return Promise.all(ids.map((id) => this.startNode(id)));
  }

  node(id: string): ClusterNode {
    const found = [...this.nodes].reverse().find((n) => n.id === id);
    if (!found) throw new Error(`no node ${id}`);
    return found;
  }

  /** The config file a node runs with (written under the harness folder). */
  configFor(id: string, overrides: Record<string, unknown> = {}): string {
    const dataDir = path.join(this.folder, id);
    fs.mkdirSync(dataDir, { recursive: true });
    const config = {
      domain: 'localhost',
      dataDir,
      listeners: { c2s: { host: '127.0.0.1', port: 0 }, c2sDirectTls: false, websocket: false, admin: false },
      storage: { kind: 'postgres', url: this.storageUrl, poolSize: 3 },
      cluster: { kind: 'redis', nodeId: id, namespace: this.namespace, redis: this.options.redis ?? TEST_REDIS, leaseMs: this.options.leaseMs ?? 1000 },
      auth: { loginFailureDelayMs: 50, scramIterations: 1024 },
      log: { level: 'info' },
      ...this.options.config,
      ...overrides,
    };
    const file = path.join(this.folder, `${id}-${randomBytes(3).toString('hex')}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  async startNode(id: string): Promise<ClusterNode> {
    const child = spawn(process.execPath, [...profileArgs(), '--import', 'tsx', CLI, 'start', '--config', this.configFor(id)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new ClusterNode(id, child);
    this.nodes.push(node);
    const timeoutMs = this.options.startTimeoutMs ?? 60000;
    const until = Date.now() + timeoutMs;
    while (!/^ready\b/m.test(node.output)) {
      if (!node.running) throw new Error(`node ${id} exited before ready:\n${node.output.slice(-2000)}`);
      if (Date.now() > until) throw new Error(`node ${id} not ready within ${timeoutMs} ms:\n${node.output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return node;
  }

  /** Creates an account straight in the shared database (the nodes have migrated it). */
  async createUsers(...usernames: string[]): Promise<void> {
    const { db, stores } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: this.schema, poolSize: 2 }, { scramIterations: 1024 });
    try {
      for (const username of usernames) await stores.accounts.create(username, `${username}-secret`);
    } finally {
      await db.close();
    }
  }

  /** Kills every node still running (SIGCONT first, in case one is stopped), drops the schema and the files. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        if (!node.running) return;
        node.signal('SIGCONT');
        // A profiled node must exit by itself to write its profile.
        node.signal(profileArgs().length > 0 ? 'SIGTERM' : 'SIGKILL');
        await node.exited;
      }),
    );
    if (this.schemaCreated) await adminQuery(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
}


/** `AIM_CPU_PROFILE_DIR=<dir>` makes every node write a V8 CPU profile there when it stops (benchmarks). */
function profileArgs(): string[] {
  const dir = process.env.AIM_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Log lines of every node about seniority, in host monotonic order. */
export function seniorityHistory(nodes: ClusterNode[]): Array<LogLine & { node: string }> {
  return nodes
    .flatMap((node) => node.logs.filter((l) => l.event === 'markedSenior' || l.event === 'lostSeniority' || l.event === 'seniorAction').map((l) => ({ ...l, node: node.id })))
    .sort((a, b) => (a.monotonicMs as number) - (b.monotonicMs as number));
}

/**
 * Seniority intervals from the logs: each fencing token from its markedSenior to the moment its
 * holder stopped being senior (its own deadline, even when it only noticed later), or exited.
 * Open intervals end at `now`. Node ids must be unique among `nodes`.
 */
export function seniorityIntervals(nodes: ClusterNode[], now: number): Array<{ node: string; token: number; from: number; until: number }> {
  const history = seniorityHistory(nodes);
  const exitedAt = new Map(nodes.filter((n) => n.exitedAtMonotonicMs !== null).map((n) => [n.id, n.exitedAtMonotonicMs as number]));
  return history
    .filter((l) => l.event === 'markedSenior')
    .map((gained) => {
      const lost = history.find((l) => l.event === 'lostSeniority' && l.node === gained.node && l.fencingToken === gained.fencingToken);
      const until = lost ? (lost.seniorUntilMonotonicMs as number) : (exitedAt.get(gained.node) ?? now);
      return { node: gained.node, token: gained.fencingToken as number, from: gained.monotonicMs as number, until };
    })
    .sort((a, b) => a.from - b.from);
}

