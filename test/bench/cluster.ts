/**
 * Cluster figures (B3 failover, cross-node messaging), printed, never asserted:
 * - failover: time from SIGKILL / SIGTERM of the senior to another node logging markedSenior
 *   (host monotonic clock, shared by the processes), over several rounds;
 * - one-to-one message latency p50/p99, same node vs across nodes, measured side by side
 *   (messages alternate between the two receivers).
 *
 *   node --import tsx test/bench/cluster.ts [--rounds 5] [--messages 2000] [--lease-ms 3000]
 *     [--rounds 0: latency only] [--disable mam: without that core module]
 */
import { parseArgs } from 'node:util';
import { hostMonotonicMs, TestCluster, type ClusterNode } from '../support/cluster-harness';
import { BenchClient } from './bench-client';
import { percentile } from './server-process';

const PLAINTEXT = {
  listeners: { c2s: { host: '127.0.0.1', port: 0, requireTls: false }, c2sDirectTls: false, websocket: false, admin: false },
  auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 50, scramIterations: 1024 },
  log: { level: 'info' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function seniorOf(nodes: ClusterNode[]): ClusterNode | undefined {
  return nodes.find((node) => {
    const last = [...node.logs].reverse().find((l) => l.event === 'markedSenior' || l.event === 'lostSeniority');
    return node.running && last?.event === 'markedSenior';
  });
}

async function waitForNewSenior(nodes: ClusterNode[], after: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const node of nodes) {
      if (!node.running) continue;
      const gained = node.logs.find((l) => l.event === 'markedSenior' && (l.monotonicMs as number) > after);
      if (gained) return gained.monotonicMs as number;
    }
    if (Date.now() > until) throw new Error('no new senior');
    await sleep(5);
  }
}

async function failover(signal: 'SIGKILL' | 'SIGTERM', rounds: number, leaseMs: number): Promise<number[]> {
  const cluster = new TestCluster({ leaseMs, config: PLAINTEXT });
  const times: number[] = [];
  try {
    let nodes = await cluster.start('n0', 'n1', 'n2');
    for (let round = 0; round < rounds; round++) {
      let senior = seniorOf(nodes);
      while (!senior) {
        await sleep(20);
        senior = seniorOf(nodes);
      }
      // Let the lease settle through a few renewals, as in steady operation.
      await sleep(leaseMs / 2);
      const at = hostMonotonicMs();
      senior.signal(signal);
      times.push((await waitForNewSenior(nodes, at, leaseMs * 5)) - at);
      await senior.exited;
      nodes = [...nodes.filter((n) => n !== senior), await cluster.startNode(`n${3 + round}`)];
    }
  } finally {
    await cluster.stop();
  }
  return times;
}

async function latency(messages: number, disabled: string[]): Promise<{ same: number[]; cross: number[] }> {
  const modules = Object.fromEntries(disabled.map((name) => [name, { enabled: false }]));
  const cluster = new TestCluster({ config: { ...PLAINTEXT, modules } });
  const clients: BenchClient[] = [];
  try {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('sender', 'same', 'cross');
    const client = (node: ClusterNode, username: string) => {
      const c = new BenchClient({ port: node.c2sPort, domain: 'localhost', username, password: `${username}-secret`, resource: 'bench' });
      clients.push(c);
      return c;
    };
    const sender = client(a, 'sender');
    const same = client(a, 'same');
    const cross = client(b, 'cross');
    for (const c of clients) {
      await c.login();
      await c.available();
    }
    const result = { same: [] as number[], cross: [] as number[] };
    let pending: (() => void) | undefined;
    const receive = (into: number[]) => (body: string) => {
      into.push(performance.now() - Number(body));
      pending?.();
    };
    same.onMessage = receive(result.same);
    cross.onMessage = receive(result.cross);
    const warmup = Math.min(100, messages / 10);
    for (let i = 0; i < messages + warmup; i++) {
      const to = i % 2 === 0 ? same : cross;
      const arrived = new Promise<void>((resolve) => (pending = resolve));
      sender.sendMessage(to.jid, String(performance.now()));
      await arrived;
      if (i === warmup - 1) {
        result.same.length = 0;
        result.cross.length = 0;
      }
    }
    return result;
  } finally {
    for (const c of clients) c.close();
    await cluster.stop();
  }
}

function describe(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms (n=${sorted.length})`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      messages: { type: 'string', default: '2000' },
      'lease-ms': { type: 'string', default: '3000' },
      disable: { type: 'string', multiple: true, default: [] },
    },
  });
  const rounds = Number(values.rounds);
  const leaseMs = Number(values['lease-ms']);
  console.log(`cluster benchmark: 3 nodes, lease ${leaseMs} ms, ${rounds} rounds per signal${values.disable.length ? `, without ${values.disable.join(', ')}` : ''}`);
  if (rounds > 0) {
    const kill = await failover('SIGKILL', rounds, leaseMs);
    console.log(`failover after SIGKILL of the senior: ${describe(kill)}; each: ${kill.map((t) => t.toFixed(0)).join(', ')}`);
    const term = await failover('SIGTERM', rounds, leaseMs);
    console.log(`failover after SIGTERM of the senior: ${describe(term)}; each: ${term.map((t) => t.toFixed(0)).join(', ')}`);
  }
  const { same, cross } = await latency(Number(values.messages), values.disable);
  console.log(`one-to-one message latency, same node:  ${describe(same)}`);
  console.log(`one-to-one message latency, cross node: ${describe(cross)}`);
  const ratio = percentile([...cross].sort((x, y) => x - y), 50) / percentile([...same].sort((x, y) => x - y), 50);
  console.log(`cross/same p50 ratio: ${ratio.toFixed(2)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
