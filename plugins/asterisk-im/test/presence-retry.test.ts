/**
 * A phone presence change that failed half-way (Redis unreachable while the session broadcast
 * it): the session shows the new presence already, but contacts on other nodes may never have
 * received it, so it is sent again until it goes through. And while an entry Redis lost is held
 * (until the senior puts it back or marks its republish complete without it) nothing that asks
 * (a retry, a settings change) restores the presence.
 */
import { Element } from 'ltx';
import { silentLogger, type InterceptorVerdict, type PluginInterceptor } from '@asterisk-im/server-core';
import { eventually } from '@asterisk-im/server-core/testing';
import type { UserPhoneState } from '../src/calls';
import { isPhonePresence, PhonePresenceApplier, PhoneStateCache, SYNC_MARK_KEY, TrappedPresences, type PhoneStateEntry, type TrappedEntry } from '../src/presence';
import { DEFAULT_SETTINGS } from '../src/store';
import { FlakyCache, testTimers } from './flaky-cache';
import { sessionDouble } from './session-double';

const ALICE = 'alice@localhost';
const timers = testTimers();
afterEach(() => timers.cancelAll());

interface World {
  phone: FlakyCache<PhoneStateEntry>;
  /** Presences the session broadcast, in order. */
  sent: Element[];
  /** How many of the next broadcasts fail after the session took them. */
  failures: { next: number };
  /** The plugin's settings changed (every user is looked at again). */
  settingsChanged: () => void;
  /** The user's session sends a broadcast presence: the plugin's interceptor's verdict. */
  intercept: (presence: Element) => InterceptorVerdict;
}

function startApplier(): World {
  const sent: Element[] = [];
  const failures = { next: 0 };
  let settingsChanged = (): void => undefined;
  const interceptors: PluginInterceptor[] = [];
  const session = sessionDouble(`${ALICE}/desk`, new Element('presence', { from: `${ALICE}/desk` }).c('status').t('Reading').up());
  const phone = new FlakyCache<PhoneStateEntry>('phone-users');
  const applier = new PhonePresenceApplier({
    ctx: {
      nodeId: 'c',
      logger: silentLogger(),
      interceptors: {
        add: (interceptor) => {
          interceptors.push(interceptor);
          return () => undefined;
        },
      },
      events: { on: () => () => undefined },
      cluster: { on: () => () => undefined, isSenior: () => false, members: () => ['c'] },
      sessions: {
        all: () => [session],
        ofUser: (user) => (user === ALICE ? [session] : []),
        // As the server does: the session shows it first, the cluster writes fail after.
        publishPresence: async (_fullJid, presence) => {
          session.presence = presence;
          sent.push(presence);
          if (failures.next === 0) return true;
          failures.next -= 1;
          throw new Error('Reached the max retries per request limit (which is 2)');
        },
      },
      timers,
      onStop: () => undefined,
    },
    phoneState: new PhoneStateCache(phone),
    trapped: new TrappedPresences(new FlakyCache<TrappedEntry>('trapped', 'c'), timers),
    settings: () => ({ ...DEFAULT_SETTINGS, presenceShow: 'away', statusText: 'On the phone' }),
    onSettingsChange: (listener) => {
      settingsChanged = listener;
      return () => undefined;
    },
  });
  applier.start();
  const intercept = (presence: Element) => {
    let verdict: InterceptorVerdict;
    for (const interceptor of interceptors) verdict ??= interceptor.intercept(presence, { session, direction: 'incoming', processed: false });
    return verdict;
  };
  return { phone, sent, failures, settingsChanged: () => settingsChanged(), intercept };
}

const onPhone: UserPhoneState = { user: ALICE, onPhone: true, calls: [], devices: [] };
const count = (sent: Element[], match: (s: Element) => boolean) => sent.filter(match).length;
const restored = (s: Element) => !isPhonePresence(s) && s.getChildText('status') === 'Reading';

test('the phone presence is sent again when sending it failed half-way', async () => {
  const { phone, sent, failures } = startApplier();
  failures.next = 1;
  await phone.set(ALICE, onPhone);
  await eventually('the phone presence sent', () => count(sent, isPhonePresence) >= 1);
  await eventually('the phone presence sent again', () => count(sent, isPhonePresence) === 2, 3000);
});

test('the presence after the call is sent again when sending it failed half-way', async () => {
  const { phone, sent, failures } = startApplier();
  await phone.set(ALICE, onPhone);
  await eventually('the phone presence sent', () => count(sent, isPhonePresence) === 1);
  failures.next = 1;
  await phone.delete(ALICE);
  await eventually('the presence after the call sent', () => count(sent, restored) >= 1);
  await eventually('the presence after the call sent again', () => count(sent, restored) === 2, 3000);
  expect(count(sent, isPhonePresence)).toBe(1);
});

test('while the entry Redis lost is held, nothing that asks restores the presence', async () => {
  const { phone, sent, settingsChanged } = startApplier();
  await phone.set(ALICE, onPhone);
  await eventually('the phone presence sent', () => count(sent, isPhonePresence) === 1);
  phone.lose(ALICE);
  settingsChanged();
  // The reconciliation asked for runs on promise ticks: a macrotask later it has run.
  await new Promise((resolve) => setImmediate(resolve));
  // The entry is back, as its writer puts it back.
  await phone.set(ALICE, onPhone);
  await new Promise((resolve) => setImmediate(resolve));
  expect(count(sent, restored)).toBe(0);
});

test('a status set while the entry Redis lost is held is trapped, and shown after the call', async () => {
  const { phone, sent, intercept } = startApplier();
  await phone.set(ALICE, onPhone);
  await eventually('the phone presence sent', () => count(sent, isPhonePresence) === 1);
  phone.lose(ALICE);
  // The user picks a status during the call, while this node's copy has no entry for a moment.
  const lunch = new Element('presence').c('show').t('xa').up().c('status').t('Lunch').up();
  expect(intercept(lunch)).toEqual({ reject: 'drop' });
  // The senior puts the entry back; the call ends later.
  await phone.set(ALICE, onPhone);
  await phone.delete(ALICE);
  await eventually('the presence after the call sent', () => sent.some((s) => !isPhonePresence(s)));
  expect(sent.filter((s) => !isPhonePresence(s)).map((s) => s.getChildText('status'))).toEqual(['Lunch']);
});

test('a held entry ends the phone presence once the senior marks a republish without it, and only then', async () => {
  const { phone, sent, settingsChanged } = startApplier();
  await phone.set(SYNC_MARK_KEY, { synced: 'a:1' });
  await phone.set(ALICE, onPhone);
  await eventually('the phone presence sent', () => count(sent, isPhonePresence) === 1);
  phone.lose(ALICE);
  phone.lose(SYNC_MARK_KEY);
  // The same mark put back by its writer, and a settings change, change nothing.
  await phone.set(SYNC_MARK_KEY, { synced: 'a:1' });
  settingsChanged();
  await new Promise((resolve) => setImmediate(resolve));
  expect(count(sent, restored)).toBe(0);
  await phone.set(SYNC_MARK_KEY, { synced: 'a:2' });
  await eventually('the presence after the call sent', () => count(sent, restored) === 1);
  expect(count(sent, isPhonePresence)).toBe(1);
});
