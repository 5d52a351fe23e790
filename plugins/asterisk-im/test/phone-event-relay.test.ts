/**
 * Phone events when a user's entry vanished with Redis's data for longer than the grace and
 * then came back (put back late by its writer, or by a new senior): the session was told
 * HANG_UP once and is told nothing of that call again.
 */
import type { Element } from 'ltx';
import { eventually } from '@asterisk-im/server-core/testing';
import type { UserCall, UserPhoneState } from '../src/calls';
import { PhoneEventRelay } from '../src/events/phone-event-relay';
import { PhoneStateCache } from '../src/presence';
import { REDIS_LOSS_GRACE_MS } from '../src/presence/phone-state-cache';
import { FlakyCache, testTimers } from './flaky-cache';
import { PHONE_NS } from './phone-world';
import { sessionDouble } from './session-double';

const ALICE = 'alice@localhost';
const timers = testTimers();
afterEach(() => timers.cancelAll());

test('a call whose entry came back after Redis lost it is not told again', async () => {
  const delivered: Element[] = [];
  const session = sessionDouble(`${ALICE}/desk`);
  const phone = new FlakyCache<UserPhoneState>('phone-users');
  const relay = new PhoneEventRelay(
    {
      timers,
      onStop: () => undefined,
      events: { on: () => () => undefined },
      sessions: { ofUser: (user) => (user === ALICE ? [session] : []) },
      router: { deliverToResource: (_to, message) => delivered.push(message) > 0 },
    },
    new PhoneStateCache(phone),
    'phone.localhost',
  );
  relay.start();
  const types = () => delivered.map((m) => m.getChild('phone-event', PHONE_NS)?.attrs.type as string);
  const call: UserCall = { callID: 'c1', device: 'PJSIP/1001', channel: 'PJSIP/1001-00000001', state: 'on-call', direction: 'incoming', channelState: 6, announced: ['RING', 'ON_PHONE'] };
  const entry: UserPhoneState = { user: ALICE, onPhone: true, calls: [call], devices: [] };

  // The session hears of alice's entry before the call: from then on it is told what happens.
  await phone.set(ALICE, { user: ALICE, onPhone: false, calls: [], devices: [{ device: 'PJSIP/1001', state: 'ringing' }] });
  await phone.set(ALICE, entry);
  await eventually('RING and ON_PHONE', () => types().length === 2);
  phone.lose(ALICE);
  await eventually('HANG_UP once the grace is over', () => types().length === 3, REDIS_LOSS_GRACE_MS + 2000);
  await phone.set(ALICE, entry);
  await phone.delete(ALICE);
  // Both changes are relayed synchronously: anything they made due was delivered by now.
  expect(types()).toEqual(['RING', 'ON_PHONE', 'HANG_UP']);
});
