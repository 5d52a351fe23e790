/**
 * Replicated writes of the plugin that fail while Redis is unreachable are made again once it
 * takes writes: a trapped presence already restored is not brought back by a removal Redis
 * missed, and the phone activity (XEP-0108) does not stay "on the phone" after the call.
 */
import type { Element } from 'ltx';
import { silentLogger, type PepItem, type PepService } from '@asterisk-im/server-core';
import { eventually } from '@asterisk-im/server-core/testing';
import { ACTIVITY_NS, isOnThePhone } from '../src/activity/activity-payload';
import { PhoneActivity } from '../src/activity/phone-activity';
import type { UserPhoneState } from '../src/calls';
import { TrappedPresences, type TrappedEntry } from '../src/presence';
import { FlakyCache, testTimers } from './flaky-cache';

const ALICE = 'alice@localhost';
const timers = testTimers();
afterEach(() => timers.cancelAll());

test('a trapped presence whose removal Redis did not take is removed again', async () => {
  const cache = new FlakyCache<TrappedEntry>('trapped', 'c');
  const trapped = new TrappedPresences(cache, timers);
  await trapped.set(`${ALICE}/desk`, { node: 'c', user: ALICE, kind: 'trapped', xml: '<presence><show>dnd</show></presence>' });
  cache.down = true;
  await expect(trapped.delete(`${ALICE}/desk`)).rejects.toThrow(/max retries/);
  expect(trapped.get(`${ALICE}/desk`)).toBeUndefined();
  expect(cache.store.has(`${ALICE}/desk`)).toBe(true);
  cache.down = false;
  await eventually('the removal in the store', () => !cache.store.has(`${ALICE}/desk`), 3000);
});

test("a trapped presence is not overtaken by the session's older entry still on its way when Redis went down", async () => {
  const cache = new FlakyCache<TrappedEntry>('trapped', 'c');
  const trapped = new TrappedPresences(cache, timers);
  const desk = `${ALICE}/desk`;
  const entry = (kind: TrappedEntry['kind'], status: string): TrappedEntry => ({ node: 'c', user: ALICE, kind, xml: `<presence><status>${status}</status></presence>` });
  // The presence before the call is stored as the call starts; its write is under way as Redis goes down.
  const landStale = cache.holdNext();
  const beforeCall = trapped.set(desk, entry('before-call', 'Reading'));
  cache.down = true;
  // The user picks a status during the call: it must be what comes back after the call.
  const during = trapped.set(desk, entry('trapped', 'Lunch')).catch(() => undefined);
  expect(trapped.get(desk)?.kind).toBe('trapped');
  cache.down = false;
  // Time for writes failed in the outage to be made again, then the Redis client resends the old one.
  await new Promise((resolve) => setTimeout(resolve, 600));
  landStale();
  await beforeCall;
  await during;
  await eventually('the status picked during the call in the store', () => cache.store.get(desk)?.kind === 'trapped', 3000);
  expect(trapped.get(desk)?.xml).toContain('Lunch');
});

/** PEP as the senior sees it: a publish shows locally at once and, while Redis is down, fails before the other nodes have it. */
class FlakyPep implements Pick<PepService, 'publish' | 'item'> {
  readonly local = new Map<string, PepItem>();
  /** What the other nodes have. */
  readonly store = new Map<string, Element>();
  down = false;
  async publish(owner: string, node: string, payload: Element): Promise<string> {
    this.local.set(owner, { node, id: 'current', payload });
    if (this.down) throw new Error('Reached the max retries per request limit (which is 2)');
    this.store.set(owner, payload);
    return 'current';
  }
  async item(owner: string): Promise<PepItem | undefined> {
    return this.local.get(owner);
  }
}

test('a phone activity Redis did not take is published again', async () => {
  const pep = new FlakyPep();
  let state: UserPhoneState = { user: ALICE, onPhone: true, calls: [], devices: [] };
  const activity = new PhoneActivity({ logger: silentLogger(), timers, cluster: { isSenior: () => true } }, pep, { userState: () => state });
  const onThePhoneInStore = () => {
    const payload = pep.store.get(ALICE);
    return payload !== undefined && isOnThePhone(payload);
  };
  activity.onUserChange(ALICE);
  await eventually('the activity on the phone in the store', onThePhoneInStore);

  pep.down = true;
  state = { ...state, onPhone: false };
  activity.onUserChange(ALICE);
  await eventually('the senior published the end of the call', () => pep.local.get(ALICE)?.payload.getChild('talking') === undefined);
  expect(onThePhoneInStore()).toBe(true);
  pep.down = false;
  await eventually('the end of the call in the store', () => !onThePhoneInStore(), 3000);
  expect(pep.store.get(ALICE)?.is('activity', ACTIVITY_NS)).toBe(true);
});
