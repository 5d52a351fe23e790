/**
 * Group chat in one big room: `--occupants` clients (default 500) join one temporary room,
 * `--senders` of them (on different nodes) send groupchat messages at a fixed total rate for a
 * fixed time, and every occupant notes when each message reaches it. The send time travels in
 * the body (`<phase>:<seq>:<ms>`, on the machine-wide clock), so latency = arrival - send for every
 * delivery, the sender's own echo included. Printed per target: p50/p90/p99/max, deliveries/s,
 * lost (still missing 30 s after the last send) and duplicated deliveries, the servers' CPU (in
 * all and per delivery) and the load generator's; then a table of medians over the repeats and
 * the ratios Prosody / Asterisk-IM.
 *
 * Targets, run one after the other in each repeat (alternating, so a busy moment of a shared
 * machine does not hit only one): `aim3` (three node processes on Redis + PostgreSQL, occupants
 * spread round-robin), `aim1` (one node, same setup), `prosody` (Debian's Prosody, its mod_muc).
 * The same load generator (BenchClient: plaintext TCP, SASL PLAIN) drives them all.
 *
 *   npx tsx test/bench/muc-room.ts [--occupants 500] [--senders 5] [--rates 20 (or a ramp: 20,40,80)] [--seconds 20]
 *     [--warmup-seconds 2] [--repeat 1] [--targets aim3,aim1,prosody]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { joinPresence, roomConfig } from '../../server-core/testing/muc-steps';
import { TestCluster } from '../support/cluster-harness';
import { BenchClient } from './bench-client';
import { PROSODY_BINARY, provisionProsody, startProsody } from './prosody-target';
import { freePort, percentile, processStats, type ServerProcess } from './server-process';
import { wallNowMs } from './wall-clock';

const DOMAIN = 'localhost';
const ROOM = `bench@conference.${DOMAIN}`;
const account = (i: number) => ({ username: `m${i}`, password: `m${i}-secret` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running server under test: where clients connect (one port per node) and its CPU. */
interface Target {
  name: string;
  ports: number[];
  cpuSeconds(): number;
  stop(): Promise<void>;
}

interface PhaseResult {
  target: string;
  rate: number;
  /** Latency of every delivery after the warm-up, sorted (ms). */
  latencies: Float64Array;
  deliveriesPerSecond: number;
  /** Deliveries that arrived (warm-up included), for CPU per delivery. */
  delivered: number;
  lost: number;
  duplicated: number;
  serverCpuSeconds: number;
  loadCpuSeconds: number;
  seconds: number;
}

async function startAsteriskIm(nodes: number, occupants: number): Promise<Target> {
  const cluster = new TestCluster({
    leaseMs: 3000,
    config: {
      listeners: { c2s: { host: '127.0.0.1', port: 0, requireTls: false }, c2sDirectTls: false, websocket: false, admin: false },
      auth: { allowPlainWithoutTls: true, loginFailureDelayMs: 50, scramIterations: 1024 },
      // Every simulated user connects from 127.0.0.1.
      limits: { loginAttemptsPerMinute: 0, connectionsPerAddress: 0, unauthenticatedPerAddress: 0, idleTimeoutMs: 3600000, keepaliveIntervalMs: 3600000 },
      modules: { muc: { config: { maxUsers: Math.max(200, occupants) } } },
      log: { level: 'info' },
    },
  });
  try {
    const started = await cluster.start(...[...Array(nodes).keys()].map((i) => `n${i}`));
    await cluster.createUsers(...[...Array(occupants).keys()].map((i) => account(i).username));
    const stats = started.map((n) => processStats(n.child));
    return {
      name: nodes === 1 ? 'Asterisk-IM, 1 node' : `Asterisk-IM, ${nodes} nodes`,
      ports: started.map((n) => n.c2sPort),
      cpuSeconds: () => stats.reduce((sum, s) => sum + s.cpuSeconds(), 0),
      stop: () => cluster.stop(),
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

async function startProsodyTarget(occupants: number): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-muc-prosody-'));
  provisionProsody(dir, DOMAIN, occupants, () => [], account);
  const port = await freePort();
  let server: ServerProcess;
  try {
    server = await startProsody(dir, DOMAIN, port, { muc: true });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    name: 'Prosody 0.12',
    ports: [port],
    cpuSeconds: () => server.cpuSeconds(),
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs every occupant in (occupant i on node i mod n), then joins them to the room, the first creating it. */
async function fillRoom(target: Target, occupants: number): Promise<BenchClient[]> {
  const clients = [...Array(occupants).keys()].map((i) => new BenchClient({ port: target.ports[i % target.ports.length]!, domain: DOMAIN, ...account(i), resource: 'bench', caps: false }));
  for (let i = 0; i < clients.length; i += 50) {
    await Promise.all(clients.slice(i, i + 50).map(async (c) => {
      await c.login();
      await c.available();
    }));
  }
  const enter = async (client: BenchClient, nick: string) => {
    // No history: the figures are about live messages. Answered by our self-presence (110) or an error.
    const answer = await client.request(joinPresence(ROOM, nick, { history: { maxstanzas: '0' } }).toString(), /code=["']110["']|type=["']error["']/, 60000);
    if (/type=["']error["']/.test(answer) && !/code=["']110["']/.test(answer)) throw new Error(`${nick} could not join ${ROOM}: ${answer.slice(0, 500)}`);
  };
  await enter(clients[0]!, 'occupant0');
  const config = roomConfig();
  config.attrs.to = ROOM;
  config.attrs.id = 'config1';
  await clients[0]!.request(config.toString(), /id=["']config1["']/);
  // Joins a few at a time: each one's presence goes to everyone already inside.
  for (let i = 1; i < clients.length; i += 10) await Promise.all(clients.slice(i, i + 10).map((c, k) => enter(c, `occupant${i + k}`)));
  return clients;
}

let phases = 0;

/** One rate for `seconds`: sends, then waits for every delivery (or gives up after `drainMs`). */
async function phase(target: Target, clients: BenchClient[], senders: number, rate: number, seconds: number, warmupSeconds: number): Promise<PhaseResult> {
  const phaseTag = `p${++phases}`;
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const seen = clients.map(() => new Uint8Array(total));
  const latencies = new Float64Array(clients.length * (total - warmup));
  let recorded = 0;
  let duplicated = 0;
  let delivered = 0;
  let lastArrival = 0;
  clients.forEach((client, i) => {
    client.onMessage = (body) => {
      const at = wallNowMs();
      const [tag, seqText, sentAt] = body.split(':');
      // A late message of an earlier (saturated) phase is not this one's.
      if (tag !== phaseTag) return;
      const seq = Number(seqText);
      if (!(seq >= 0 && seq < total)) return;
      if (seen[i]![seq]) {
        duplicated++;
        return;
      }
      seen[i]![seq] = 1;
      delivered++;
      lastArrival = at;
      if (seq >= warmup) latencies[recorded++] = at - Number(sentAt);
    };
  });
  // Senders are the first occupants, so with n nodes they sit on n different nodes.
  const speakers = clients.slice(0, senders);
  const cpu0 = target.cpuSeconds();
  const own0 = process.cpuUsage();
  const started = wallNowMs();
  let measuredFrom = started;
  for (let seq = 0; seq < total; seq++) {
    const due = started + (seq * 1000) / rate;
    const wait = due - wallNowMs();
    if (wait > 1) await sleep(wait);
    if (seq === warmup) measuredFrom = wallNowMs();
    speakers[seq % speakers.length]!.write(`<message to='${ROOM}' type='groupchat' id='${phaseTag}-${seq}'><body>${phaseTag}:${seq}:${wallNowMs()}</body></message>`);
  }
  const sentUntil = wallNowMs();
  const expected = total * clients.length;
  const drainUntil = sentUntil + 30000;
  while (delivered < expected && wallNowMs() < drainUntil) await sleep(20);
  const finished = wallNowMs();
  const own = process.cpuUsage(own0);
  for (const client of clients) client.onMessage = undefined;
  const measured = latencies.slice(0, recorded).sort();
  // Deliveries/s over the measured part: from its first send to the last arrival.
  const window = (Math.max(lastArrival, sentUntil) - measuredFrom) / 1000;
  return {
    target: target.name,
    rate,
    latencies: measured,
    deliveriesPerSecond: recorded / window,
    delivered,
    lost: expected - delivered,
    duplicated,
    serverCpuSeconds: target.cpuSeconds() - cpu0,
    loadCpuSeconds: (own.user + own.system) / 1e6,
    seconds: (finished - started) / 1000,
  };
}

function describe(r: PhaseResult): string {
  const p = (q: number) => percentile(r.latencies as unknown as number[], q).toFixed(1);
  return `${r.target} @ ${r.rate} msg/s: p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${r.latencies[r.latencies.length - 1]?.toFixed(1)} ms; ${r.deliveriesPerSecond.toFixed(0)} deliveries/s; lost ${r.lost}, duplicated ${r.duplicated}; server CPU ${r.serverCpuSeconds.toFixed(1)} s (${((r.serverCpuSeconds * 1e6) / r.delivered).toFixed(1)} µs per delivery), load generator CPU ${r.loadCpuSeconds.toFixed(1)} s over ${r.seconds.toFixed(1)} s`;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

function summarise(results: PhaseResult[], targets: string[], rates: number[]): void {
  const figures: Array<[string, (r: PhaseResult) => number, number]> = [
    ['p50 (ms)', (r) => percentile(r.latencies as unknown as number[], 50), 1],
    ['p90 (ms)', (r) => percentile(r.latencies as unknown as number[], 90), 1],
    ['p99 (ms)', (r) => percentile(r.latencies as unknown as number[], 99), 1],
    ['max (ms)', (r) => r.latencies[r.latencies.length - 1] ?? NaN, 1],
    ['deliveries/s', (r) => r.deliveriesPerSecond, 0],
    ['lost', (r) => r.lost, 0],
    ['duplicated', (r) => r.duplicated, 0],
    ['server CPU (s)', (r) => r.serverCpuSeconds, 1],
    // What a busy neighbour on the machine changes least: the CPU each delivery cost.
    ['server CPU per delivery (µs)', (r) => (r.serverCpuSeconds * 1e6) / r.delivered, 1],
    ['load generator CPU (s)', (r) => r.loadCpuSeconds, 1],
  ];
  const prosody = targets.find((t) => t.startsWith('Prosody'));
  for (const rate of rates) {
    const of = (target: string) => results.filter((r) => r.target === target && r.rate === rate);
    console.log(`\n${rate} messages/s, medians over the runs (${targets.map((t) => `${t}: ${of(t).length}`).join(', ')}); lost and duplicated: sums`);
    console.log(`| figure | ${targets.join(' | ')} |`);
    console.log(`|---|${targets.map(() => '---|').join('')}`);
    for (const [label, get, digits] of figures) {
      const sum = label === 'lost' || label === 'duplicated';
      const cells = targets.map((t) => {
        const values = of(t).map(get);
        if (values.length === 0) return '—';
        return (sum ? values.reduce((a, b) => a + b, 0) : median(values)).toFixed(digits);
      });
      console.log(`| ${label} | ${cells.join(' | ')} |`);
    }
    if (prosody) {
      for (const target of targets.filter((t) => t !== prosody && of(prosody).length > 0 && of(t).length > 0)) {
        const ratio = (q: number) => median(of(prosody).map((r) => percentile(r.latencies as unknown as number[], q))) / median(of(target).map((r) => percentile(r.latencies as unknown as number[], q)));
        const cpu = (t: string) => median(of(t).map((r) => r.serverCpuSeconds / r.delivered));
        console.log(`Prosody / ${target}: p50 ${ratio(50).toFixed(2)}, p99 ${ratio(99).toFixed(2)}, server CPU per delivery ${(cpu(prosody) / cpu(target)).toFixed(2)}`);
      }
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      occupants: { type: 'string', default: '500' },
      senders: { type: 'string', default: '5' },
      rates: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '20' },
      'warmup-seconds': { type: 'string', default: '2' },
      repeat: { type: 'string', default: '1' },
      targets: { type: 'string', default: 'aim3,aim1,prosody' },
    },
  });
  const occupants = Number(values.occupants);
  const senders = Number(values.senders);
  const rates = values.rates.split(',').map(Number);
  const seconds = Number(values.seconds);
  const warmupSeconds = Number(values['warmup-seconds']);
  const kinds = values.targets.split(',');
  if (kinds.includes('prosody') && !fs.existsSync(PROSODY_BINARY)) throw new Error(`${PROSODY_BINARY} not found: install Debian's prosody package, or leave prosody out of --targets`);
  const start: Record<string, () => Promise<Target>> = {
    aim3: () => startAsteriskIm(3, occupants),
    aim1: () => startAsteriskIm(1, occupants),
    prosody: () => startProsodyTarget(occupants),
  };
  for (const kind of kinds) if (!start[kind]) throw new Error(`unknown target ${kind}: use aim3, aim1 or prosody`);
  console.log(`one room, ${occupants} occupants, ${senders} senders, rates ${rates.join(', ')} messages/s for ${seconds} s each (after ${warmupSeconds} s of warm-up), ${values.repeat} repeat(s) of ${kinds.join(', ')}`);
  const results: PhaseResult[] = [];
  const names: string[] = [];
  for (let round = 0; round < Number(values.repeat); round++) {
    for (const kind of kinds) {
      const target = await start[kind]!();
      if (!names.includes(target.name)) names.push(target.name);
      const clients: BenchClient[] = [];
      try {
        const t0 = Date.now();
        clients.push(...(await fillRoom(target, occupants)));
        console.log(`${target.name}: ${occupants} occupants in the room after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        // Let the joins' presence fan-out settle before timing anything.
        await sleep(2000);
        for (const rate of rates) {
          const result = await phase(target, clients, senders, rate, seconds, warmupSeconds);
          console.log(describe(result));
          results.push(result);
          // Deliveries still missing 30 s after the last send: this rate is past what the target
          // sustains, and a higher one would only pile up more.
          if (result.lost > 0) {
            console.log(`${target.name}: saturated at ${rate} messages/s; higher rates skipped`);
            break;
          }
        }
      } finally {
        for (const c of clients) c.close();
        await target.stop();
      }
    }
  }
  summarise(results, names, rates);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
