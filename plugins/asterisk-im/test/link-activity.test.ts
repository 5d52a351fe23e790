/**
 * The link status of each PBX says when its last event came and how far behind Asterisk's own
 * clock the senior handled it (events stamped with `timestampevents = yes`), in the admin API
 * that the console's server table shows. The simulator stamps its events 300 ms late, as a PBX
 * whose events waited in its queues.
 */
import { eventually } from '@asterisk-im/server-core/testing';
import { startPluginWorld, type PluginWorld } from './admin-world';

let w: PluginWorld;
afterAll(async () => {
  await w?.stop();
});

interface LinkRow {
  server: string;
  state: string;
  lastEventAt: number | null;
  lagMs: number | null;
}

test('the last event and the lag of a PBX reach the admin API', async () => {
  w = await startPluginWorld({}, { timestampEvents: true, eventDelayMs: 300 });
  const link = async () => ((await w.admin('GET', '/status')).body.links as LinkRow[]).find((l) => l.server === 'pbx')!;
  const before = Date.now();
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await call.hangup('caller');
  // Written every 5 s when it changed: the events above are in the next write.
  await eventually('the call events in the link status', async () => ((await link()).lastEventAt ?? 0) >= before, 10000);
  const row = await link();
  expect(row.state).toBe('connected');
  expect(row.lagMs).toBeGreaterThanOrEqual(300);
  expect(row.lagMs).toBeLessThan(5000);
});
