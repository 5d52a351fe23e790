import { renderMetrics } from '@asterisk-im/server-core/testing';
import { befriend, isPhonePresence, mark, startPhoneWorld, type PhoneWorld } from './phone-world';

let w: PhoneWorld;
afterAll(async () => {
  await w?.stop();
});

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

test('the senior counts AMI events, reports its link up and times phone-state publication', async () => {
  w = await startPhoneWorld({});
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  await befriend(alice, bob, w.domain);
  // Registered when the plugin starts, so dashboards find the series before the first call.
  expect((await renderMetrics()).text).toContain('# TYPE aim_phone_presence_latency_seconds histogram');
  const before = sample((await renderMetrics()).text, 'aim_phone_presence_latency_seconds_count');
  const seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1002', '1001');
  await call.answer();
  await seen.next((s) => s.is('presence') && s.attrs.from === alice.jid && isPhonePresence(s), 'phone presence');
  const { text } = await renderMetrics();
  expect(sample(text, 'aim_ami_link_up{')).toBe(1);
  expect(sample(text, 'aim_ami_events_total{')).toBeGreaterThan(0);
  expect(sample(text, 'aim_phone_presence_latency_seconds_count')).toBeGreaterThan(Number.isNaN(before) ? 0 : before);
  await call.hangup('caller');
});
