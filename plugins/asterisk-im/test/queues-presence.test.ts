import { xml, type TestClient } from '@asterisk-im/server-core/testing';
import { startPluginWorld, type PluginWorld } from './admin-world';
import { eventually } from '@asterisk-im/server-core/testing';

let w: PluginWorld;

beforeAll(async () => {
  w = await startPluginWorld({ queuePresence: true });
});
afterAll(async () => {
  await w?.stop();
});

const pausedBecomes = (device: string, paused: boolean, why: string) =>
  eventually(`${device} is ${paused ? 'paused' : 'unpaused'} (${why})`, async () => (await w.queuePaused('support', device)) === paused);

/** The QueuePause actions the plugin sent for a device, in order. */
const pauseActionsOf = (device: string) =>
  w.sim.actions().filter((a) => a.action.toLowerCase() === 'queuepause' && a.headers.some(([k, v]) => k.toLowerCase() === 'interface' && v === device));
/** The `Paused` values the plugin sent for a device, in order. */
const pausesOf = (device: string): string[] => pauseActionsOf(device).map((a) => a.headers.find(([k]) => k.toLowerCase() === 'paused')?.[1] ?? '');

const show = (client: TestClient, value?: string) => client.send(xml('presence', {}, ...(value ? [xml('show', {}, value)] : [])));

test('a user\'s phone is paused in the queue while they are away, dnd or offline, and unpaused when available or chat', async () => {
  const alice = await w.online('alice', 'desk');
  await pausedBecomes('PJSIP/1001', false, 'alice is available');

  await show(alice, 'away');
  await pausedBecomes('PJSIP/1001', true, 'alice is away');
  await show(alice, 'chat');
  await pausedBecomes('PJSIP/1001', false, 'alice is free for chat');
  await show(alice, 'dnd');
  await pausedBecomes('PJSIP/1001', true, 'alice is busy');
  await show(alice);
  await pausedBecomes('PJSIP/1001', false, 'alice is available again');

  const pauses = w.sim.actions().filter((a) => a.action.toLowerCase() === 'queuepause');
  // Every device in every queue: no Queue header.
  expect(pauses.every((a) => !a.headers.some(([k]) => k.toLowerCase() === 'queue'))).toBe(true);

  await alice.stop();
  await pausedBecomes('PJSIP/1001', true, 'alice went offline');
});

test('the phone presence of a call is not the user\'s choice: an available user on the phone stays unpaused', async () => {
  const bob = await w.online('bob', 'desk');
  // Unpaused is also the simulator's start state: wait for the plugin to have said so itself.
  await eventually('the plugin unpaused bob', () => pausesOf('PJSIP/1002').some((paused) => paused === 'false'));
  const before = pausesOf('PJSIP/1002').length;

  const call = await w.sim.calls.dial('PJSIP/1002', '1003');
  await call.answer();
  // Bob's contacts now see him away "On the phone"; that must not pause him.
  await bob.waitFor((s) => s.is('presence') && s.getChildText('status') === 'On the phone', 5000, 'bob\'s own phone presence');
  // What the user sets during the call counts: it goes the same way after the phone presence,
  // so once it paused him, the phone presence had its chance to do so and did not.
  const xaSentAt = Date.now();
  await show(bob, 'xa');
  await pausedBecomes('PJSIP/1002', true, 'bob set extended away');
  expect(pausesOf('PJSIP/1002').slice(before)).toEqual(['true']);
  expect(pauseActionsOf('PJSIP/1002')[before]!.at).toBeGreaterThanOrEqual(xaSentAt);
  await call.hangup();
  await bob.stop();
});

test('turning queue presence off unpauses the phones it paused', async () => {
  await pausedBecomes('PJSIP/1001', true, 'alice is offline');
  expect(await w.admin('PUT', '/settings', { queuePresence: false })).toMatchObject({ status: 200, body: { queuePresence: false } });
  await pausedBecomes('PJSIP/1001', false, 'queue presence is off');
  await pausedBecomes('PJSIP/1002', false, 'queue presence is off');
});
