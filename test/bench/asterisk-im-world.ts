/**
 * The world of the Asterisk-IM benchmarks: a cluster of real node processes running the
 * plugin against the AMI simulator, `phones` users online (each with one phone, PJSIP/3000+i,
 * and the watcher as a mutual contact), and the watcher: a real XMPP client on a node that is
 * not the senior, in a process of its own, timing the presences it receives. Node metrics come
 * from /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { openStorage } from '../../server-core/src/storage';
import { TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import { PhoneCluster } from '../asterisk-im/phone-cluster';
import type { ClusterNode } from '../support/cluster-harness';
import { BenchClient } from './bench-client';
import { processStats } from './server-process';
import { wallNowMs } from './wall-clock';

export { percentile } from './server-process';

export const WATCHER = 'watcher';
const ADMIN_TOKEN = 'asterisk-im-bench-admin-token';
/** The clock the watcher process stamps its presences with. */
export const nowMs = wallNowMs;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const phoneUser = (i: number): string => `p${i}`;
export const phoneExtension = (i: number): string => String(3000 + i);
export const unmappedExtensions = (count: number): string[] => [...Array(count).keys()].map((i) => String(5000 + i));

export interface BenchWorld {
  pc: PhoneCluster;
  watcher: ChildProcess;
  phones: BenchClient[];
  /** Called for every presence the watcher gets from a phone user: (user, onThePhone, receivedAtMs). */
  onPresence: ((user: string, onPhone: boolean, at: number) => void) | undefined;
  stop(): Promise<void>;
}

export interface BenchWorldOptions {
  nodes: string[];
  phones: number;
  leaseMs?: number;
  settings?: Record<string, unknown>;
  /** Phones on the PBX that no chat user is mapped to (extensions 5000 up): the rest of a large PBX. */
  unmappedPhones?: number;
}

export async function startBenchWorld(options: BenchWorldOptions): Promise<BenchWorld> {
  process.env.AIM_ADMIN_TOKEN = ADMIN_TOKEN;
  // The watcher is a real client: it negotiates STARTTLS against the nodes' self-signed certificate.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const indexes = [...Array(options.phones).keys()];
  const pc = await PhoneCluster.start({
    nodes: options.nodes,
    leaseMs: options.leaseMs,
    endpoints: ['1001', '1002', '1003', '1004', ...indexes.map(phoneExtension), ...unmappedExtensions(options.unmappedPhones ?? 0)],
    devices: indexes.map((i) => ({ device: `PJSIP/${phoneExtension(i)}`, user: `${phoneUser(i)}@localhost`, extension: phoneExtension(i), primary: true })),
    settings: options.settings,
    config: {
      listeners: { c2s: { host: '127.0.0.1', port: 0, requireTls: false }, c2sDirectTls: false, websocket: false, admin: { host: '127.0.0.1', port: 0 } },
      auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 50, scramIterations: 1024 },
      // Every simulated user connects from 127.0.0.1.
      limits: { loginAttemptsPerMinute: 0, connectionsPerAddress: 0, unauthenticatedPerAddress: 0 },
    },
  });
  try {
    await createPhoneUsers(pc, options.phones);
    const senior = await pc.waitForSenior();
    const juniors = pc.juniors();
    const watcherNode = juniors[0] ?? senior;
    const world: BenchWorld = { pc, watcher: undefined as unknown as ChildProcess, phones: [], onPresence: undefined, stop: () => pc.stop() };
    world.watcher = await startWatcher(watcherNode.c2sPort, (user, onPhone, at) => world.onPresence?.(user, onPhone, at));
    // Phones spread over every node, so the watcher's presences come from the senior and the others.
    const running = pc.nodes.filter((n) => n.running);
    for (let i = 0; i < options.phones; i += 50) {
      const batch = indexes.slice(i, i + 50).map(async (k) => {
        const node = running[k % running.length]!;
        const client = new BenchClient({ port: node.c2sPort, domain: 'localhost', username: phoneUser(k), password: `${phoneUser(k)}-secret`, resource: 'bench' });
        await client.login();
        await client.available();
        return client;
      });
      world.phones.push(...(await Promise.all(batch)));
    }
    world.stop = async () => {
      world.watcher.kill();
      for (const phone of world.phones) phone.close();
      await pc.stop();
    };
    return world;
  } catch (err) {
    await pc.stop();
    throw err;
  }
}

/** Starts the watcher process and resolves once it is online; each presence it reports goes to `onPresence`. */
async function startWatcher(port: number, onPresence: (user: string, onPhone: boolean, at: number) => void): Promise<ChildProcess> {
  const args = JSON.stringify({ port, domain: 'localhost', username: WATCHER, password: `${WATCHER}-secret` });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'watcher-process.ts'), args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the watcher process exited (${code}) before it was online`)));
    lines.on('line', (line) => {
      if (line === 'ready') return resolve();
      const report = JSON.parse(line) as { user: string; onPhone: boolean; at: number };
      onPresence(report.user, report.onPhone, report.at);
    });
  });
  child.removeAllListeners('exit');
  return child;
}

/** Accounts p0..pN-1 and the watchers (default one, `watcher`), each phone user and each watcher mutual contacts. */
export async function createPhoneUsers(pc: PhoneCluster, phones: number, watchers: readonly string[] = [WATCHER]): Promise<void> {
  const { db, stores } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: pc.cluster.schema, poolSize: 4 }, { scramIterations: 1024 });
  const item = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
  try {
    for (const watcher of watchers) await stores.accounts.create(watcher, `${watcher}-secret`);
    for (let i = 0; i < phones; i++) {
      await stores.accounts.create(phoneUser(i), `${phoneUser(i)}-secret`);
      for (const watcher of watchers) {
        await stores.rosters.put(phoneUser(i), item(`${watcher}@localhost`));
        await stores.rosters.put(watcher, item(`${phoneUser(i)}@localhost`));
      }
    }
  } finally {
    await db.close();
  }
}

/** Port of a node's admin listener, from its start-up lines. */
function adminPort(node: ClusterNode): number {
  const found = /admin listening on [\d.]+:(\d+)/.exec(node.output);
  if (!found) throw new Error(`node ${node.id} has no admin listener`);
  return Number(found[1]);
}

/** One scrape of a node's /metrics, as `name{labels}` -> value. Scraping resets the event-loop lag window. */
export async function scrapeMetrics(node: ClusterNode): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${adminPort(node)}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!response.ok) throw new Error(`/metrics of node ${node.id}: HTTP ${response.status}`);
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

export const lagP99Ms = (metrics: Map<string, number>): number => (metrics.get('aim_process_nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000;
export const lagMaxMs = (metrics: Map<string, number>): number => (metrics.get('aim_process_nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000;
export const amiEventsReceived = (metrics: Map<string, number>): number => metrics.get('aim_ami_events_total{server="pbx"}') ?? 0;

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export interface CpuUse {
  /** CPU seconds each running node used, by node id. */
  nodes: Record<string, number>;
  /** CPU seconds of this process (the AMI simulator, the phone users' clients) and of the watcher process. */
  loadGenerator: number;
}

/** Starts counting CPU time; the returned function gives what each process used since. */
export function cpuMeter(world: BenchWorld): () => CpuUse {
  const nodes = world.pc.nodes.filter((n) => n.running).map((n) => ({ id: n.id, cpuSeconds: processStats(n.child).cpuSeconds }));
  const start = new Map(nodes.map((n) => [n.id, n.cpuSeconds()]));
  const watcherCpu = processStats(world.watcher).cpuSeconds;
  const watcherStart = watcherCpu();
  const ownStart = process.cpuUsage();
  return () => {
    const own = process.cpuUsage(ownStart);
    return {
      nodes: Object.fromEntries(nodes.map((n) => [n.id, round(n.cpuSeconds() - start.get(n.id)!, 2)])),
      loadGenerator: round((own.user + own.system) / 1e6 + watcherCpu() - watcherStart, 2),
    };
  };
}
