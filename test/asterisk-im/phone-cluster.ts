/**
 * A cluster of real server processes running the Asterisk-IM plugin against one AMI
 * simulator, for the multi-process tests and the benchmarks. alice has PJSIP/1001 (primary)
 * and PJSIP/1003, bob has PJSIP/1002, carol and dave have no phone; 1004 belongs to nobody.
 */
import path from 'node:path';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { seniorityHistory, TestCluster, type ClusterHarnessOptions, type ClusterNode } from '../support/cluster-harness';
import type { TestClient } from '../support/xmpp-client';
import { online } from '../cluster/cluster-steps';
import { eventually } from '../../server-core/testing/eventually';

export const AMI_USER = { username: 'asteriskim', secret: 'pbx-secret-1', read: ['call', 'agent', 'system'], write: ['all'] };
export const PLUGIN_PATH = path.resolve(__dirname, '../../plugins/asterisk-im');
export const USERS = ['alice', 'bob', 'carol', 'dave'];

export interface PhoneClusterOptions {
  /** Node ids; default a, b, c. */
  nodes?: string[];
  leaseMs?: number;
  redis?: ClusterHarnessOptions['redis'];
  /** Plugin settings (presenceShow, ringingIsBusy, context, ...). */
  settings?: Record<string, unknown>;
  /** Extra devices beyond alice's and bob's (benchmarks map many phones). */
  devices?: Array<{ device: string; user: string; extension: string; primary?: boolean; mailbox?: string }>;
  /** Endpoints of the simulator; default 1001-1004. */
  endpoints?: string[];
  /** Extra top-level node config (e.g. an admin listener). */
  config?: Record<string, unknown>;
}

export function pluginConfig(sim: AmiSimulator, options: PhoneClusterOptions): Record<string, unknown> {
  return {
    servers: [{ name: 'pbx', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret }],
    devices: [
      { device: 'PJSIP/1001', user: 'alice@localhost', server: 'pbx', extension: '1001', primary: true },
      { device: 'PJSIP/1003', user: 'alice@localhost', server: 'pbx', extension: '1003' },
      { device: 'PJSIP/1002', user: 'bob@localhost', server: 'pbx', extension: '1002', primary: true },
      ...(options.devices ?? []).map((d) => ({ server: 'pbx', ...d })),
    ],
    settings: options.settings ?? {},
    link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000, connectTimeoutMs: 2000 },
  };
}

export class PhoneCluster {
  readonly clients: TestClient[] = [];

  private constructor(
    readonly sim: AmiSimulator,
    readonly cluster: TestCluster,
    readonly nodes: ClusterNode[],
  ) {}

  /** Starts the simulator and the nodes, creates the users, and waits for one AMI session. */
  static async start(options: PhoneClusterOptions = {}): Promise<PhoneCluster> {
    const sim = await startAmiSimulator({ users: [AMI_USER], endpoints: options.endpoints ?? ['1001', '1002', '1003', '1004'], loginFailureDelayMs: 50 });
    const cluster = new TestCluster({
      leaseMs: options.leaseMs ?? 1000,
      redis: options.redis,
      config: { plugins: [{ name: 'asterisk-im', path: PLUGIN_PATH, config: pluginConfig(sim, options) }], ...options.config },
    });
    let started: PhoneCluster | undefined;
    try {
      // The first node migrates the shared schema alone; the others start together after it.
      const [first, ...rest] = options.nodes ?? ['a', 'b', 'c'];
      const nodes = [...(await cluster.start(first!)), ...(await cluster.start(...rest))];
      started = new PhoneCluster(sim, cluster, nodes);
      await cluster.createUsers(...USERS);
      await started.untilTrue(() => sim.loggedInSessions(AMI_USER.username) === 1, 'the senior logged in to the AMI simulator', 15000);
      return started;
    } catch (err) {
      if (started) await started.stop();
      else {
        await cluster.stop();
        await sim.stop();
      }
      throw err;
    }
  }

  /** The running node whose latest seniority log line is markedSenior. */
  senior(): ClusterNode | undefined {
    const history = seniorityHistory(this.nodes).filter((l) => l.event !== 'seniorAction');
    return this.nodes.find((node) => node.running && [...history].reverse().find((l) => l.node === node.id)?.event === 'markedSenior');
  }

  async waitForSenior(exclude?: ClusterNode, timeoutMs = 10000): Promise<ClusterNode> {
    let found: ClusterNode | undefined;
    await this.untilTrue(() => (found = this.senior()) !== undefined && found !== exclude, 'a senior', timeoutMs);
    return found!;
  }

  /** The running nodes that are not the senior. */
  juniors(): ClusterNode[] {
    const senior = this.senior();
    return this.nodes.filter((n) => n.running && n !== senior);
  }

  /** `user` online on `node` as `resource`, available; stopped with the cluster. */
  async online(node: ClusterNode, user: string, resource: string): Promise<TestClient> {
    const client = await online(node, user, resource);
    this.clients.push(client);
    return client;
  }

  untilTrue(check: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
    return eventually(what, check, { timeoutMs, intervalMs: 5 });
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.stop()));
    await this.cluster.stop();
    await this.sim.stop();
  }
}
