/**
 * B3, failover: phones on calls, the senior SIGKILLed (or SIGTERMed: graceful handover), and
 * every call hung up right after. Measured from the signal: when another node holds the AMI
 * session (simulator's view), and when the watcher on a surviving node has seen every phone
 * user back from the phone. A fresh 3-node cluster per run.
 *
 *   npx tsx test/bench/asterisk-im-b3-failover.ts [--runs 3] [--phones 20] [--lease 1000]
 */
import { parseArgs } from 'node:util';
import { AMI_USER } from '../asterisk-im/phone-cluster';
import { nowMs, percentile, phoneExtension, phoneUser, round, sleep, startBenchWorld } from './asterisk-im-world';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, phones: { type: 'string', default: '20' }, lease: { type: 'string', default: '1000' } } });
const runs = Number(values.runs);
const phones = Number(values.phones);
const leaseMs = Number(values.lease);

interface FailoverRun { signal: string; amiSessionMs: number; allRestoredMs: number; maxConcurrentSessions: number }

async function failover(signal: 'SIGKILL' | 'SIGTERM'): Promise<FailoverRun> {
  const world = await startBenchWorld({ nodes: ['a', 'b', 'c'], phones, leaseMs });
  try {
    const { pc } = world;
    const senior = await pc.waitForSenior();
    // Only phones on surviving nodes can show presence after the senior is gone.
    const onPhone = new Set<string>();
    const restoredAt = new Map<string, number>();
    world.onPresence = (user, phone, at) => {
      if (phone) onPhone.add(user);
      else if (onPhone.has(user)) restoredAt.set(user, at);
    };
    const running = pc.nodes.filter((n) => n.running);
    const survivors = [...Array(phones).keys()].filter((i) => running[i % running.length] !== senior).map(phoneUser);
    const calls = await Promise.all([...Array(phones).keys()].map(async (i) => {
      const call = await pc.sim.calls.dial('PJSIP/provider', phoneExtension(i));
      await call.answer();
      return call;
    }));
    await pc.untilTrue(() => survivors.every((u) => onPhone.has(u)), 'every surviving phone user on the phone', 15000);
    pc.sim.resetRecords();

    const signalledAt = nowMs();
    const signalledWallMs = Date.now();
    senior.signal(signal);
    for (const call of calls) await call.hangup('caller');
    const newSession = () => pc.sim.connections().some((c) => c.user === AMI_USER.username && c.openedAt >= signalledWallMs && c.closedAt === null);
    await pc.untilTrue(newSession, 'another node holds the AMI session', 20000);
    const amiSessionMs = nowMs() - signalledAt;
    await pc.untilTrue(() => survivors.every((u) => restoredAt.has(u)), 'every surviving phone user restored', 20000);
    const allRestoredMs = Math.max(...survivors.map((u) => restoredAt.get(u)!)) - signalledAt;
    return { signal, amiSessionMs: round(amiSessionMs), allRestoredMs: round(allRestoredMs), maxConcurrentSessions: pc.sim.maxConcurrentSessions(AMI_USER.username) };
  } finally {
    await world.stop();
  }
}

async function main(): Promise<void> {
  const results: FailoverRun[] = [];
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    for (let run = 0; run < runs; run++) {
      const result = await failover(signal);
      results.push(result);
      console.log(JSON.stringify(result));
      await sleep(500);
    }
  }
  console.log(`\nB3 failover (ms from the signal; lease ${leaseMs} ms; ${phones} phones on calls, hung up right after the signal)`);
  console.table(results);
  for (const signal of ['SIGKILL', 'SIGTERM']) {
    const of = results.filter((r) => r.signal === signal);
    const median = (xs: number[]) => percentile(xs.sort((a, b) => a - b), 50);
    console.log(`${signal}: AMI session median ${median(of.map((r) => r.amiSessionMs))} ms, every contact right median ${median(of.map((r) => r.allRestoredMs))} ms`);
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
