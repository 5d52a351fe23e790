/**
 * The handover soak for a short, bounded time: random SIGKILL, SIGSTOP past the lease, Redis
 * restarts and AMI drops while phone users are on calls; the recorded history must show no
 * violation. Run it by hand for longer: `npx tsx test/soak/handover-soak.ts --minutes 30`.
 */
import { runSoak } from './handover-soak';

const SOAK_MS = 75000;

test('phone presence and phone events stay right through random faults (75 s soak)', async () => {
  const seed = Date.now() % 100000;
  const result = await runSoak({ durationMs: SOAK_MS, users: 8, seed });
  const summary = JSON.stringify({ seed, faults: result.faults, counts: result.counts });
  expect({ summary, violations: result.violations }).toEqual({ summary, violations: [] });
  // The soak proves something only if calls were shown, faults struck and statuses were trapped.
  expect(result.counts.callsShownToContacts).toBeGreaterThan(10);
  expect(result.counts.trappedPresencesRestored).toBeGreaterThan(5);
  expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
}, SOAK_MS + 120000);
