/**
 * B1, phone-presence latency: from the moment the AMI simulator writes the event that starts a
 * call (the callee's phone rings; `ringingIsBusy` is on so ringing counts) to the moment the
 * watcher, a real XMPP client on a node that is not the senior, receives the callee's
 * "On the phone" presence. p50/p99 at each rate, on one node and on three.
 *
 * With `--repeat N` each rate runs N times and the summary gives the median of each figure.
 *
 *   npx tsx test/bench/asterisk-im-b1-latency.ts [--rates 100,1000] [--seconds 5] [--phones 400] [--nodes 1,3] [--repeat 1]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpuMeter, lagMaxMs, lagP99Ms, nowMs, percentile, scrapeMetrics, phoneExtension, phoneUser, round, sleep, startBenchWorld, type BenchWorld } from './asterisk-im-world';

const { values } = parseArgs({ options: { rates: { type: 'string', default: '100,1000' }, seconds: { type: 'string', default: '5' }, phones: { type: 'string', default: '400' }, nodes: { type: 'string', default: '1,3' }, hold: { type: 'string', default: '100' }, repeat: { type: 'string', default: '1' } } });
const rates = values.rates!.split(',').map(Number);
const seconds = Number(values.seconds);
const phones = Number(values.phones);
const holdMs = Number(values.hold);
const repeat = Math.max(1, Number(values.repeat));

interface RateResult {
  nodes: number; rate: number; achievedRate: number; calls: number; p50: number; p99: number; max: number; missed: number;
  /** CPU milliseconds per call: all nodes together, and the load generator (simulator and clients). */
  nodeCpuMsPerCall: number; loadCpuMsPerCall: number;
  /** The highest event-loop lag p99 and maximum of any node during the step. */
  nodeLagP99Ms: number; nodeLagMaxMs: number;
  /** Event-loop lag of the load generator (simulator and phone clients): a late simulator shows as latency. */
  loadLagMaxMs: number;
}

/** Starts calls from a trunk to free phones at `rate` per second; each rings for `holdMs`, then the caller hangs up. */
async function runRate(world: BenchWorld, nodes: number, rate: number): Promise<RateResult> {
  const startedAt = new Map<string, number>();
  const latencies: number[] = [];
  /** A phone is free again once the watcher saw it back from the phone. */
  const busy = new Set<string>();
  world.onPresence = (user, onPhone, at) => {
    const t0 = startedAt.get(user);
    if (onPhone && t0 !== undefined) {
      latencies.push(at - t0);
      startedAt.delete(user);
    } else if (!onPhone && !startedAt.has(user)) busy.delete(user);
  };
  const hangups: Array<Promise<unknown>> = [];
  let next = 0;
  let started = 0;
  let skipped = 0;
  const running = world.pc.nodes.filter((n) => n.running);
  await Promise.all(running.map((n) => scrapeMetrics(n))); // starts a new lag window
  const cpu = cpuMeter(world);
  const loadLag = monitorEventLoopDelay({ resolution: 1 });
  loadLag.enable();
  const begin = nowMs();
  const end = begin + seconds * 1000;
  while (nowMs() < end) {
    const due = Math.floor(((nowMs() - begin) / 1000) * rate) - started;
    for (let k = 0; k < due; k++) {
      const i = next++ % phones;
      const user = phoneUser(i);
      started += 1;
      if (busy.has(user)) {
        skipped += 1;
        continue;
      }
      busy.add(user);
      startedAt.set(user, nowMs());
      const call = world.pc.sim.calls.dial('PJSIP/provider', phoneExtension(i));
      hangups.push(call.then(async (c) => {
        await sleep(holdMs);
        await c.hangup('caller');
      }).catch(() => undefined));
    }
    await sleep(2);
  }
  const elapsed = (nowMs() - begin) / 1000;
  await Promise.all(hangups);
  await sleep(2000);
  const used = cpu();
  loadLag.disable();
  const metrics = await Promise.all(running.map((n) => scrapeMetrics(n)));
  const sorted = latencies.sort((a, b) => a - b);
  const calls = started - skipped;
  const perCall = (seconds: number) => round((seconds * 1000) / Math.max(calls, 1), 2);
  return {
    nodes, rate, achievedRate: round(calls / elapsed), calls,
    p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted[sorted.length - 1] ?? NaN, 2), missed: calls - sorted.length,
    nodeCpuMsPerCall: perCall(Object.values(used.nodes).reduce((a, b) => a + b, 0)), loadCpuMsPerCall: perCall(used.loadGenerator),
    nodeLagP99Ms: round(Math.max(...metrics.map(lagP99Ms)), 1),
    nodeLagMaxMs: round(Math.max(...metrics.map(lagMaxMs)), 1),
    loadLagMaxMs: round(loadLag.max / 1e6, 1),
  };
}

/** Each figure's median over the runs (the runs' counts are summed). */
function medianOf(runs: RateResult[]): RateResult {
  const median = (pick: (r: RateResult) => number): number => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const first = runs[0]!;
  const summed = (pick: (r: RateResult) => number): number => runs.reduce((sum, r) => sum + pick(r), 0);
  const medians = Object.fromEntries(Object.keys(first).map((key) => [key, median((r) => r[key as keyof RateResult])])) as unknown as RateResult;
  return { ...medians, calls: summed((r) => r.calls), missed: summed((r) => r.missed) };
}

async function main(): Promise<void> {
  const results: RateResult[] = [];
  for (const count of values.nodes!.split(',').map(Number)) {
    const ids = ['a', 'b', 'c'].slice(0, count);
    const world = await startBenchWorld({ nodes: ids, phones, settings: { ringingIsBusy: true } });
    try {
      await sleep(2000);
      // A short warm-up so compilation and connection set-up do not land in the figures.
      await runRate(world, count, Math.min(...rates));
      for (const rate of rates) {
        const runs: RateResult[] = [];
        for (let run = 0; run < repeat; run++) {
          const result = await runRate(world, count, rate);
          runs.push(result);
          console.log(JSON.stringify(result));
        }
        results.push(medianOf(runs));
      }
    } finally {
      await world.stop();
    }
  }
  console.log(`\nB1 phone-presence latency (ms, call started -> watcher on a non-senior node receives "On the phone")${repeat > 1 ? `, median of ${repeat} runs` : ''}`);
  console.table(results);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
