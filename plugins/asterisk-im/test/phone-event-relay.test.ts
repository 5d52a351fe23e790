/**
 * Phone events when a user's entry vanished with Redis's data for longer than the grace and
 * then came back (put back late by its writer, or by a new senior): the session was told
 * HANG_UP once and is told nothing of that call again.
 */
import type { Element } from 'ltx';
import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { AsteriskImConfig } from '../src/config';
import { PhoneEventRelay } from '../src/events/phone-event-relay';
import { PhoneStateCache } from '../src/presence';
import { REDIS_LOSS_GRACE_MS } from '../src/presence/phone-state-cache';
import { FlakyCache, testTimers } from './flaky-cache';
import { PHONE_NS, until } from './phone-world';

const ALICE = 'alice@localhost';

test('a call whose entry came back after Redis lost it is not told again', async () => {
  const delivered: Element[] = [];
  const session = { fullJid: `${ALICE}/desk`, bareJid: ALICE, isEnded: false };
  const ctx = {
    sessions: { ofUser: (user: string) => (user === ALICE ? [session] : []) },
    router: { deliverToResource: (_to: string, message: Element) => delivered.push(message) },
    events: { on: () => undefined },
    timers: testTimers(),
    onStop: () => undefined,
  } as unknown as PluginContext<AsteriskImConfig>;
  const phone = new FlakyCache('phone-users');
  new PhoneEventRelay(ctx, new PhoneStateCache(phone), 'phone.localhost').start();
  const types = () => delivered.map((m) => m.getChild('phone-event', PHONE_NS)?.attrs.type as string);
  const call = { callID: 'c1', device: 'PJSIP/1001', state: 'up', announced: ['RING', 'ON_PHONE'] };
  const entry = { user: ALICE, onPhone: true, calls: [call], devices: [] };

  // The session hears of alice's entry before the call: from then on it is told what happens.
  await phone.set(ALICE, { user: ALICE, onPhone: false, calls: [], devices: [{ device: 'PJSIP/1001', state: 'ringing' }] });
  await phone.set(ALICE, entry);
  await until(() => types().length === 2, 'RING and ON_PHONE');
  phone.lose(ALICE);
  await until(() => types().length === 3, 'HANG_UP once the grace is over', REDIS_LOSS_GRACE_MS + 2000);
  await phone.set(ALICE, entry);
  await phone.delete(ALICE);
  // The deletion is relayed synchronously: anything due would have been delivered by now.
  expect(types()).toEqual(['RING', 'ON_PHONE', 'HANG_UP']);
});
