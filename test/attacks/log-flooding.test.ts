/**
 * Bad input repeated at will costs a bounded number of log lines: 200,000 invalid AMI events
 * from the PBX give one line when the first arrives and one line with the count at the end of
 * the interval, while chat users notice nothing.
 */
import path from 'node:path';
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { metricsRegistry } from '../../server-core/src/metrics';
import { startTestServer, type TestServer } from '../support/server-harness';
import { HonestClient, MAX_HONEST_SLOWDOWN } from './attack-kit';
import { captureLogs } from '../support/log-capture';
import { eventually } from '../../server-core/testing/eventually';

const PLUGIN = path.resolve(__dirname, '../../plugins/asterisk-im');
const AMI_USER = { username: 'asteriskim', secret: 'pbx-secret-7', read: ['call', 'agent', 'system'], write: ['originate', 'agent', 'call', 'system', 'reporting'] };
const FLOOD = 200_000;

let sim: AmiSimulator;
let server: TestServer;
let honest: HonestClient;
const { lines, logger } = captureLogs();

// The plugin registers the counter when it starts, so it is looked up by name.
const amiEventsSeen = async (): Promise<number> => {
  const metric = metricsRegistry.getSingleMetric('aim_ami_events_total');
  return (await metric?.get())?.values.find((v) => v.labels.server === 'flooded')?.value ?? 0;
};


beforeAll(async () => {
  sim = await startAmiSimulator({ users: [AMI_USER], endpoints: ['1001'], loginFailureDelayMs: 50, slowReaderTimeoutMs: 30_000 });
  server = await startTestServer({
    logger,
    config: {
      listeners: { c2s: { requireTls: false } },
      plugins: [
        {
          name: 'asterisk-im',
          path: PLUGIN,
          config: { servers: [{ name: 'flooded', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret }], link: { reconnectMinMs: 50, reconnectMaxMs: 200 } },
        },
      ],
    },
  });
  await eventually('the plugin logged in to the AMI simulator', async () => sim.loggedInSessions(AMI_USER.username) === 1, 10_000);
  await server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(server, 'honest', 'secret-1');
});

afterAll(async () => {
  await honest?.stop();
  await server?.stop();
  await sim?.stop();
});

test('200,000 invalid AMI events give two warning lines, the second with the count', async () => {
  await honest.baseline();
  const before = await amiEventsSeen();
  const refused = () => lines.filter((line) => line.msg === 'AMI event refused' || String(line.msg).startsWith('AMI event refused ('));
  for (let sent = 0; sent < FLOOD; sent += 1000) {
    for (let i = 0; i < 1000; i++) sim.publishEvent({ name: 'DeviceStateChange', eventClass: 'call', fields: [['State', 'INUSE']] });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ratio = await honest.ratio();
  // The marker: the plugin has counted every event it read, so every warning it would write is written.
  await eventually('the plugin read every event', async () => (await amiEventsSeen()) - before >= FLOOD, 120_000);
  expect(refused()).toHaveLength(1);
  expect(refused()[0]).toMatchObject({ level: 40, kind: 'invalid-ami-event: DeviceStateChange: device: Required', reason: 'DeviceStateChange: device: Required' });

  await server.server.plugins.disable('asterisk-im');
  expect(refused()).toHaveLength(2);
  expect(refused()[1]).toMatchObject({ msg: `AMI event refused (repeated ${FLOOD - 1} more times)`, repeats: FLOOD - 1, intervalMs: 60_000 });
  expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
}, 180_000);
