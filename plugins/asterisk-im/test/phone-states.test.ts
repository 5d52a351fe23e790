/**
 * The busy states a contact can tell apart (settings `stateTexts`): ringing, dialing, on a call
 * and on hold, each with its own `<show>`/`<status>` and the state in `<phone-status/>`; an
 * unreachable phone changes nothing a contact sees. The AMI simulator and the clients are real.
 */
import type { Element } from 'ltx';
import { eventually, roundTrip } from '@asterisk-im/server-core/testing';
import { startPluginWorld, type PluginWorld } from './admin-world';
import { befriend, isPhonePresence, mark, PHONE_NS } from './phone-world';

let w: PluginWorld;
afterAll(async () => {
  await w?.stop();
});

const stateOf = (presence: Element) => presence.getChild('phone-status', PHONE_NS)?.attrs.state as string | undefined;

test('dialing, on a call, on hold and back each show their own text; the hang-up restores presence', async () => {
  w = await startPluginWorld({ ringingIsBusy: true, stateTexts: { dialing: { status: 'Calling out' }, ringing: { show: 'xa', status: 'Ringing' }, 'on-hold': { status: 'On hold' } } });
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  await befriend(alice, bob, w.domain);
  const fromAlice = (match: (s: Element) => boolean) => (s: Element) => s.is('presence') && s.attrs.from === alice.jid && match(s);
  const inState = (state: string) => fromAlice((s) => isPhonePresence(s) && stateOf(s) === state);

  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1003');
  const dialing = await seen.next(inState('dialing'), 'the dialing presence');
  expect([dialing.getChildText('show'), dialing.getChildText('status')]).toEqual(['away', 'Calling out']);
  await call.answer();
  const talking = await seen.next(inState('on-call'), 'the on-a-call presence');
  expect([talking.getChildText('show'), talking.getChildText('status')]).toEqual(['away', 'On the phone']);
  expect(talking.getChild('phone-status', PHONE_NS)?.attrs.status).toBe('ON_PHONE');

  seen = mark(bob);
  await call.hold('caller');
  const held = await seen.next(inState('on-hold'), 'the on-hold presence');
  expect(held.getChildText('status')).toBe('On hold');
  await call.unhold('caller');
  await seen.next(inState('on-call'), 'on a call again');
  await call.hangup('caller');
  const back = await seen.next(fromAlice((s) => s.attrs.type === undefined && !isPhonePresence(s)), 'alice back after the call');
  expect(back.getChildText('status')).toBeNull();

  // Ringing (busy here by setting) has its own show.
  seen = mark(bob);
  const incoming = await w.sim.calls.dial('PJSIP/1004', '1001');
  const ringing = await seen.next(inState('ringing'), 'the ringing presence');
  expect([ringing.getChildText('show'), ringing.getChildText('status')]).toEqual(['xa', 'Ringing']);
  await incoming.noAnswer();
  await seen.next(fromAlice((s) => s.attrs.type === undefined && !isPhonePresence(s)), 'alice back after the missed call');

  // An unreachable phone: the admin API says so; contacts see nothing new.
  const status = async () => (await w.admin('GET', '/status')).body as { devices: Array<{ device: string; state: string }>; users: Array<{ user: string; state: string }> };
  const aliceState = async () => (await status()).users.find((u) => u.user === 'alice@localhost')?.state;
  seen = mark(bob);
  w.sim.calls.setReachable('PJSIP/1001', false);
  await eventually('alice\'s phone unreachable', async () => (await aliceState()) === 'unavailable');
  expect((await status()).devices.find((d) => d.device === 'PJSIP/1001')?.state).toBe('unavailable');
  await roundTrip(bob, w.domain);
  expect(seen.since(fromAlice(() => true))).toEqual([]);
  w.sim.calls.setReachable('PJSIP/1001', true);
  await eventually('alice\'s phone reachable again', async () => (await aliceState()) === 'idle');
});
