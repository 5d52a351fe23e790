/** The B4 load: log N sessions in, measure memory and CPU, then one-to-one message latency. */
import { BenchClient } from './bench-client';
import { percentile } from './server-process';

export interface LoadTarget {
  name: string;
  port: number;
  domain: string;
  rssBytes(): number;
  cpuSeconds(): number;
}

export interface LoadOptions {
  sessions: number;
  concurrency: number;
  messages: number;
  /** Credentials of account i. */
  account(i: number): { username: string; password: string };
  /** Clients enable XEP-0198 and answer the server's acknowledgement requests. */
  streamManagement?: boolean;
  /** Messages sent unpaced after the latency run, for throughput (0: none). */
  burst?: number;
}

export interface LoadResult {
  target: string;
  sessions: number;
  loginsPerSecond: number;
  baselineMiB: number;
  withSessionsMiB: number;
  kibPerSession: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  delivered: number;
  /** Server CPU per message of the paced run (ms). */
  serverCpuPerMessageMs: number;
  /** Messages per second delivered in the unpaced burst, and how many of it arrived. */
  burstPerSecond: number;
  burstDelivered: number;
  /** Server and load generator CPU per burst message (ms): which side limits the throughput. */
  burstServerCpuPerMessageMs: number;
  burstLoadCpuPerMessageMs: number;
}

const nowMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runCoreLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  await sleep(1500);
  const baseline = target.rssBytes();
  const cpu0 = target.cpuSeconds();
  const loadCpu0 = process.cpuUsage();
  const clients: BenchClient[] = [];
  const loginStart = Date.now();
  for (let i = 0; i < options.sessions; i += options.concurrency) {
    const batch = [];
    for (let k = i; k < Math.min(options.sessions, i + options.concurrency); k++) {
      const client = new BenchClient({ port: target.port, domain: target.domain, ...options.account(k), resource: 'bench', streamManagement: options.streamManagement });
      clients.push(client);
      batch.push(client.login().then(() => client.available()));
    }
    await Promise.all(batch);
  }
  const loginSeconds = (Date.now() - loginStart) / 1000;
  await sleep(3000);
  const rss = target.rssBytes();
  const serverCpu = target.cpuSeconds() - cpu0;
  const loadCpu = process.cpuUsage(loadCpu0);

  // Paced so the figure is delivery latency, not queueing behind a burst.
  const latencies: number[] = [];
  const pending = new Map<string, number>();
  for (const client of clients) {
    client.onMessage = (body) => {
      const sent = pending.get(body);
      if (sent === undefined) return;
      latencies.push(nowMs() - sent);
      pending.delete(body);
    };
  }
  const messageCpu0 = target.cpuSeconds();
  for (let m = 0; m < options.messages; m++) {
    const from = clients[(m * 7) % clients.length];
    const to = clients[(m * 7 + 1) % clients.length];
    const body = `m${m}`;
    pending.set(body, nowMs());
    from.sendMessage(to.jid, body);
    if (m % 20 === 19) await sleep(10);
  }
  const deadline = Date.now() + 10000;
  while (pending.size > 0 && Date.now() < deadline) await sleep(20);
  const messageCpu = target.cpuSeconds() - messageCpu0;
  latencies.sort((a, b) => a - b);
  const delivered = latencies.length;

  // Throughput: everything at once, timed from the first write to the last arrival.
  const burst = options.burst ?? 0;
  let burstDelivered = 0;
  let burstLast = nowMs();
  const burstStart = nowMs();
  const burstCpu0 = target.cpuSeconds();
  const burstLoadCpu0 = process.cpuUsage();
  for (const client of clients) {
    client.onMessage = (body) => {
      if (!body.startsWith('b') || !pending.delete(body)) return;
      burstDelivered++;
      burstLast = nowMs();
    };
  }
  pending.clear();
  for (let m = 0; m < burst; m++) {
    const body = `b${m}`;
    pending.set(body, 0);
    clients[(m * 7) % clients.length].sendMessage(clients[(m * 7 + 1) % clients.length].jid, body);
  }
  const burstDeadline = Date.now() + 30000;
  while (pending.size > 0 && Date.now() < burstDeadline) await sleep(10);
  const burstCpu = target.cpuSeconds() - burstCpu0;
  const burstLoadCpu = process.cpuUsage(burstLoadCpu0);
  for (const client of clients) client.close();
  return {
    target: target.name,
    sessions: options.sessions,
    loginsPerSecond: options.sessions / loginSeconds,
    baselineMiB: baseline / 1048576,
    withSessionsMiB: rss / 1048576,
    kibPerSession: (rss - baseline) / options.sessions / 1024,
    serverCpuSeconds: serverCpu,
    loadCpuSeconds: (loadCpu.user + loadCpu.system) / 1e6,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    delivered,
    serverCpuPerMessageMs: (messageCpu * 1000) / Math.max(1, options.messages),
    burstPerSecond: burst > 0 ? burstDelivered / Math.max(0.001, (burstLast - burstStart) / 1000) : 0,
    burstDelivered,
    burstServerCpuPerMessageMs: (burstCpu * 1000) / Math.max(1, burstDelivered),
    burstLoadCpuPerMessageMs: (burstLoadCpu.user + burstLoadCpu.system) / 1000 / Math.max(1, burstDelivered),
  };
}

export function printResults(results: LoadResult[], messages: number): void {
  const rows: Array<[string, (r: LoadResult) => string]> = [
    ['sessions online', (r) => String(r.sessions)],
    ['logins/s (PLAIN + bind + initial presence)', (r) => r.loginsPerSecond.toFixed(0)],
    ['server RSS before -> with sessions (MiB)', (r) => `${r.baselineMiB.toFixed(1)} -> ${r.withSessionsMiB.toFixed(1)}`],
    ['memory per session (KiB)', (r) => r.kibPerSession.toFixed(1)],
    ['server CPU / load generator CPU during logins (s)', (r) => `${r.serverCpuSeconds.toFixed(1)} / ${r.loadCpuSeconds.toFixed(1)}`],
    ['message latency p50 / p99 (ms)', (r) => `${r.latencyP50Ms.toFixed(2)} / ${r.latencyP99Ms.toFixed(2)}`],
    [`messages delivered of ${messages}`, (r) => String(r.delivered)],
    ['server CPU per paced message (ms)', (r) => r.serverCpuPerMessageMs.toFixed(3)],
    ['burst throughput (messages/s, delivered)', (r) => (r.burstDelivered > 0 ? `${r.burstPerSecond.toFixed(0)} (${r.burstDelivered})` : '-')],
    ['server / load generator CPU per burst message (ms)', (r) => (r.burstDelivered > 0 ? `${r.burstServerCpuPerMessageMs.toFixed(3)} / ${r.burstLoadCpuPerMessageMs.toFixed(3)}` : '-')],
  ];
  console.log(`| figure | ${results.map((r) => r.target).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---').join('|')}|`);
  for (const [label, value] of rows) console.log(`| ${label} | ${results.map(value).join(' | ')} |`);
}
