/**
 * Phone events when a user's entry vanished with Redis's data: the cache holds it as it was,
 * so the session is told nothing until the senior puts it back (nothing new), deletes it, or
 * writes its completion mark without it (the call has ended: HANG_UP, once).
 */
import type { Element } from 'ltx';
import type { UserCall, UserPhoneState } from '../src/calls';
import { PhoneEventRelay } from '../src/events/phone-event-relay';
import { PhoneStateCache, SYNC_MARK_KEY, type PhoneStateEntry } from '../src/presence';
import { FlakyCache } from './flaky-cache';
import { PHONE_NS } from './phone-world';
import { sessionDouble } from './session-double';

const ALICE = 'alice@localhost';
const call: UserCall = { callID: 'c1', device: 'PJSIP/1001', channel: 'PJSIP/1001-00000001', state: 'on-call', direction: 'incoming', channelState: 6, announced: ['RING', 'ON_PHONE'] };
const onCall: UserPhoneState = { user: ALICE, onPhone: true, calls: [call], devices: [] };
const ringing: UserPhoneState = { user: ALICE, onPhone: false, calls: [], devices: [{ device: 'PJSIP/1001', state: 'ringing' }] };

/** A relay for one session of alice's on this node; `types` lists what it was told, in order. */
function relayWorld() {
  const delivered: Element[] = [];
  const session = sessionDouble(`${ALICE}/desk`);
  const phone = new FlakyCache<PhoneStateEntry>('phone-users');
  const phoneState = new PhoneStateCache(phone);
  const relay = new PhoneEventRelay(
    {
      onStop: () => undefined,
      events: { on: () => () => undefined },
      sessions: { ofUser: (user) => (user === ALICE ? [session] : []) },
      router: { deliverToResource: (_to, message) => delivered.push(message) > 0 },
    },
    phoneState,
    'phone.localhost',
  );
  relay.start();
  const types = () => delivered.map((m) => m.getChild('phone-event', PHONE_NS)?.attrs.type as string);
  return { phone, phoneState, types };
}

test('an entry lost with Redis tells nothing; back, it tells nothing new; its deletion tells HANG_UP once', async () => {
  const { phone, phoneState, types } = relayWorld();
  await phone.set(ALICE, ringing);
  await phone.set(ALICE, onCall);
  // Both changes are relayed synchronously: what they made due is delivered on return.
  expect(types()).toEqual(['RING', 'ON_PHONE']);
  phone.lose(ALICE);
  expect(phoneState.isOnPhone(ALICE)).toBe(true);
  expect(phoneState.heldUsers()).toEqual([ALICE]);
  expect(types()).toEqual(['RING', 'ON_PHONE']);
  await phone.set(ALICE, onCall);
  expect(phoneState.heldUsers()).toEqual([]);
  await phone.delete(ALICE);
  expect(types()).toEqual(['RING', 'ON_PHONE', 'HANG_UP']);
});

test('a held entry is let go by a completion mark newer than its loss, not by the old mark put back', async () => {
  const { phone, phoneState, types } = relayWorld();
  await phone.set(SYNC_MARK_KEY, { synced: 'senior:1' });
  await phone.set(ALICE, ringing);
  await phone.set(ALICE, onCall);
  phone.lose(SYNC_MARK_KEY);
  phone.lose(ALICE);
  // The senior's reseed puts back the mark it wrote before the loss: that confirms nothing.
  await phone.set(SYNC_MARK_KEY, { synced: 'senior:1' });
  expect(phoneState.isOnPhone(ALICE)).toBe(true);
  expect(types()).toEqual(['RING', 'ON_PHONE']);
  // Its republish after the loss did not write alice: her call ended meanwhile.
  await phone.set(SYNC_MARK_KEY, { synced: 'senior:2' });
  expect(phoneState.isOnPhone(ALICE)).toBe(false);
  expect(phoneState.heldUsers()).toEqual([]);
  expect(types()).toEqual(['RING', 'ON_PHONE', 'HANG_UP']);
});
