/**
 * Do-not-disturb both ways. A phone's DND (the `Custom:DND<ext>` hint that DND feature codes
 * set, or a `CustomPresence:<ext>` presence state of dnd) shows as chat dnd to contacts, with
 * what the user picks meanwhile held back as during a call; with `dndToPhone`, choosing dnd in
 * chat sets the phone's DND hint and coming back clears it. The AMI simulator and clients are real.
 */
import type { Element } from 'ltx';
import { eventually, roundTrip } from '@asterisk-im/server-core/testing';
import { startFriendsWorld, type PluginWorld } from './admin-world';
import { mark, PHONE_NS, xml, type TestClient } from './phone-world';

let w: PluginWorld;
let alice: TestClient;
let bob: TestClient;
beforeAll(async () => {
  ({ w, alice, bob } = await startFriendsWorld());
});
afterAll(async () => {
  await w?.stop();
});

const fromAlice = (match: (s: Element) => boolean) => (s: Element) => s.is('presence') && s.attrs.from === alice.jid && s.attrs.type === undefined && match(s);
const phoneDnd = (s: Element) => s.getChild('phone-status', PHONE_NS)?.attrs.state === 'dnd';
const own = (show: string | null, status: string | null) => (s: Element) => !s.getChild('phone-status', PHONE_NS) && s.getChildText('show') === show && s.getChildText('status') === status;

test("the phone's DND hint shows as dnd; a status set meanwhile is held back until DND ends", async () => {
  let seen = mark(bob);
  w.sim.setCustomDeviceState('Custom:DND1001', 'BUSY');
  const dnd = await seen.next(fromAlice(phoneDnd), 'the DND presence');
  expect([dnd.getChildText('show'), dnd.getChildText('status')]).toEqual(['dnd', 'Do not disturb']);
  // Spark reads phone-status: DND on the phone is no call.
  expect(dnd.getChild('phone-status', PHONE_NS)?.attrs.status).toBe('AVAILABLE');

  seen = mark(bob);
  await alice.send(xml('presence', {}, xml('show', {}, 'xa'), xml('status', {}, 'Lunch')));
  await roundTrip(alice, w.domain);
  await roundTrip(bob, w.domain);
  expect(seen.since(fromAlice(() => true))).toEqual([]);

  w.sim.setCustomDeviceState('Custom:DND1001', 'NOT_INUSE');
  await seen.next(fromAlice(own('xa', 'Lunch')), 'the status alice picked during DND');
});

test('a presence state of dnd does the same, and a call during DND shows the call, then DND again', async () => {
  let seen = mark(bob);
  w.sim.setPresenceState('CustomPresence:1001', 'dnd', 'In a meeting');
  await seen.next(fromAlice(phoneDnd), 'the DND presence');
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await seen.next(fromAlice((s) => s.getChild('phone-status', PHONE_NS)?.attrs.state === 'on-call'), 'the call over DND');
  seen = mark(bob);
  await call.hangup('caller');
  await seen.next(fromAlice(phoneDnd), 'DND again after the call');
  w.sim.setPresenceState('CustomPresence:1001', 'available');
  await seen.next(fromAlice(own('xa', 'Lunch')), 'alice back after DND');
});

test('a DND set while the AMI link was down is found by the resync', async () => {
  const seen = mark(bob);
  w.sim.refuseConnections(true);
  w.sim.dropAllConnections();
  w.sim.setCustomDeviceState('Custom:DND1001', 'BUSY');
  w.sim.refuseConnections(false);
  await seen.next(fromAlice(phoneDnd), 'the DND presence after the resync', 10000);
  w.sim.setCustomDeviceState('Custom:DND1001', 'NOT_INUSE');
  await seen.next(fromAlice(own('xa', 'Lunch')), 'alice back after DND');
});

test('a DND changed while Asterisk sent no events is found when it reloads, or says it finished booting', async () => {
  const seen = mark(bob);
  // A hung PBX: the change raises no event anyone receives.
  w.sim.setAnswering(false);
  w.sim.setCustomDeviceState('Custom:DND1001', 'BUSY');
  w.sim.setAnswering(true);
  w.sim.reload();
  await seen.next(fromAlice(phoneDnd), 'the DND presence after the reload');
  w.sim.setAnswering(false);
  w.sim.setCustomDeviceState('Custom:DND1001', 'NOT_INUSE');
  w.sim.setAnswering(true);
  w.sim.fullyBooted();
  await seen.next(fromAlice(own('xa', 'Lunch')), 'alice back after FullyBooted');
});

test('with dndToPhone, dnd chosen in chat sets the phone DND (contacts see the choice itself), and coming back clears it', async () => {
  expect((await w.admin('PUT', '/settings', { dndToPhone: true })).status).toBe(200);
  const seen = mark(bob);
  await alice.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Focus time')));
  await eventually('the phone DND on', () => w.sim.deviceState('Custom:DND1001') === 'BUSY');
  await seen.next(fromAlice(own('dnd', 'Focus time')), 'alice\'s own dnd');
  await roundTrip(alice, w.domain);
  await roundTrip(bob, w.domain);
  // Her choice stays what contacts see: the phone's DND adds nothing to it.
  expect(seen.since(fromAlice(phoneDnd))).toEqual([]);
  await alice.send(xml('presence'));
  await eventually('the phone DND off', () => w.sim.deviceState('Custom:DND1001') === 'NOT_INUSE');
  await seen.next(fromAlice(own(null, null)), 'alice available');
  await roundTrip(bob, w.domain);
  expect(seen.since(fromAlice(phoneDnd))).toEqual([]);
});
