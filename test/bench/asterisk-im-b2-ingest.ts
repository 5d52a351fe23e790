/**
 * B2, AMI ingest: the simulator's load mode (calls between mapped phones, with the dialplan and
 * RTCP noise of a real PBX) at rising rates against one senior node. For each step: AMI events
 * per second the node received and applied, what the simulator published, and the node's
 * event-loop lag p99 (Asterisk drops a reader that stalls for about 100 ms; we want p99 under
 * 20 ms). The highest step with lag p99 under 20 ms and no backlog (the node received what the
 * simulator sent it) is the sustained figure. `--unmapped N` adds N phones no chat user is mapped
 * to, as on a large PBX where only some phones belong to chat users; calls then pick any phone.
 *
 *   npx tsx test/bench/asterisk-im-b2-ingest.ts [--phones 200] [--unmapped 0] [--rates 25,50,100,200,400] [--seconds 8]
 */
import { parseArgs } from 'node:util';
import { AMI_USER } from '../asterisk-im/phone-cluster';
import { amiEventsReceived, cpuMeter, lagMaxMs, lagP99Ms, phoneExtension, round, scrapeMetrics, sleep, startBenchWorld, unmappedExtensions } from './asterisk-im-world';

const { values } = parseArgs({ options: { phones: { type: 'string', default: '200' }, unmapped: { type: 'string', default: '0' }, rates: { type: 'string', default: '25,50,100,200,400' }, seconds: { type: 'string', default: '8' } } });
const phones = Number(values.phones);
const unmapped = Number(values.unmapped);
const rates = values.rates!.split(',').map(Number);
const seconds = Number(values.seconds);
const LAG_LIMIT_MS = 20;

interface IngestStep {
  callsPerSecond: number;
  /** Events the simulator raised (all classes) and sent to the node's AMI session (its event mask), per second. */
  publishedPerSecond: number; sentPerSecond: number;
  receivedPerSecond: number; lagP99Ms: number; lagMaxMs: number; amiDisconnects: number;
  /** As the simulator recorded them: `slow-reader` (the node did not read for too long), `client-closed`, ... */
  disconnectReasons: string[];
  /** CPU seconds per second of load: the node, and the load generator (simulator and clients). */
  nodeCpu: number; loadCpu: number;
}

async function main(): Promise<void> {
  const world = await startBenchWorld({ nodes: ['a'], phones, unmappedPhones: unmapped });
  const steps: IngestStep[] = [];
  try {
    const senior = await world.pc.waitForSenior();
    const devices = [...[...Array(phones).keys()].map(phoneExtension), ...unmappedExtensions(unmapped)].map((e) => `PJSIP/${e}`);
    const ownConnections = () => world.pc.sim.connections().filter((c) => c.user === AMI_USER.username);
    const eventsSent = () => ownConnections().reduce((sum, c) => sum + c.eventsSent, 0);
    for (const callsPerSecond of rates) {
      const closedBefore = ownConnections().filter((c) => c.closedAt !== null).length;
      const sentBefore = eventsSent();
      const before = await scrapeMetrics(senior);
      const cpu = cpuMeter(world);
      const load = world.pc.sim.startLoad({ callsPerSecond, durationMs: seconds * 1000, devices, noise: true, ringMs: 50, talkMs: 500 });
      const stats = await load.finished;
      await sleep(500); // let the last events arrive
      const after = await scrapeMetrics(senior);
      const used = cpu();
      const received = amiEventsReceived(after) - amiEventsReceived(before);
      const sent = eventsSent() - sentBefore;
      const step: IngestStep = {
        callsPerSecond,
        publishedPerSecond: round(stats.eventsPublished / (stats.durationMs / 1000), 0),
        sentPerSecond: round(sent / (stats.durationMs / 1000), 0),
        receivedPerSecond: round(received / (stats.durationMs / 1000), 0),
        lagP99Ms: round(lagP99Ms(after), 2),
        lagMaxMs: round(lagMaxMs(after), 1),
        amiDisconnects: ownConnections().filter((c) => c.closedAt !== null).length - closedBefore,
        disconnectReasons: ownConnections().filter((c) => c.closedAt !== null).slice(closedBefore).map((c) => String(c.reason)),
        nodeCpu: round(Object.values(used.nodes).reduce((a, b) => a + b, 0) / (stats.durationMs / 1000), 2),
        loadCpu: round(used.loadGenerator / (stats.durationMs / 1000), 2),
      };
      steps.push(step);
      console.log(JSON.stringify(step));
      if (step.lagP99Ms > LAG_LIMIT_MS || step.amiDisconnects > 0) break;
      await sleep(1000);
    }
  } finally {
    await world.stop();
  }
  console.table(steps);
  const sustained = steps.filter((s) => s.lagP99Ms <= LAG_LIMIT_MS && s.amiDisconnects === 0 && s.receivedPerSecond >= s.sentPerSecond * 0.98);
  const best = sustained.sort((a, b) => b.receivedPerSecond - a.receivedPerSecond)[0];
  console.log(best ? `sustained AMI ingest: ${best.receivedPerSecond} events/s with event-loop lag p99 ${best.lagP99Ms} ms` : 'no step met the lag limit');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
