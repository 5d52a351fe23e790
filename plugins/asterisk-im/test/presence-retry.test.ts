/**
 * A phone presence change that failed half-way (Redis unreachable while the session broadcast
 * it): the session shows the new presence already, but contacts on other nodes may never have
 * received it, so it is sent again until it goes through.
 */
import { Element } from 'ltx';
import { silentLogger } from '@asterisk-im/server-core/src/log';
import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { ClientSession } from '@asterisk-im/server-core/src/routing';
import type { AsteriskImConfig } from '../src/config';
import { isPhonePresence, PhonePresenceApplier, PhoneStateCache, TrappedPresences } from '../src/presence';
import type { Settings } from '../src/store';
import { FlakyCache, testTimers } from './flaky-cache';
import { until } from './phone-world';

const ALICE = 'alice@localhost';

interface World {
  phone: FlakyCache;
  /** Presences the session handed to the server, in order. */
  sent: Element[];
  /** How many of the next presences fail after the session took them. */
  failures: { next: number };
  /** The plugin's settings changed (every user is looked at again). */
  settingsChanged: () => void;
}

function startApplier(): World {
  const timers = testTimers();
  const sent: Element[] = [];
  const failures = { next: 0 };
  let settingsChanged = (): void => undefined;
  const session = {
    fullJid: `${ALICE}/desk`,
    bareJid: ALICE,
    available: true,
    isEnded: false,
    presence: new Element('presence', { from: `${ALICE}/desk` }).c('status').t('Reading').up(),
    async handle(stanza: Element) {
      // As the server does: the session shows it first, the cluster writes fail after.
      session.presence = stanza;
      sent.push(stanza);
      if (failures.next > 0) {
        failures.next -= 1;
        throw new Error('Reached the max retries per request limit (which is 2)');
      }
    },
  };
  const ctx = {
    nodeId: 'c',
    logger: silentLogger(),
    interceptors: { add: () => undefined },
    events: { on: () => undefined },
    cluster: { on: () => undefined, isSenior: () => false, members: () => ['c'] },
    sessions: { all: () => [session], ofUser: (user: string) => (user === ALICE ? [session] : []) },
    timers,
    onStop: () => undefined,
  } as unknown as PluginContext<AsteriskImConfig>;
  const phone = new FlakyCache('phone-users');
  const settings = () => ({ presenceShow: 'away', statusText: 'On the phone' }) as Settings;
  new PhonePresenceApplier({ ctx, phoneState: new PhoneStateCache(phone), trapped: new TrappedPresences(new FlakyCache('trapped', 'c'), timers), settings, onSettingsChange: (listener) => {
    settingsChanged = listener;
    return () => undefined;
  } }).start();
  return { phone, sent, failures, settingsChanged: () => settingsChanged() };
}

const onPhone = { user: ALICE, onPhone: true, calls: [], devices: [] };
const count = (sent: Element[], match: (s: Element) => boolean) => sent.filter(match).length;
const restored = (s: Element) => !isPhonePresence(s) && s.getChildText('status') === 'Reading';

test('the phone presence is sent again when sending it failed half-way', async () => {
  const { phone, sent, failures } = startApplier();
  failures.next = 1;
  await phone.set(ALICE, onPhone);
  await until(() => count(sent, isPhonePresence) === 1, 'the phone presence sent');
  await until(() => count(sent, isPhonePresence) === 2, 'the phone presence sent again', 3000);
});

test('the presence after the call is sent again when sending it failed half-way', async () => {
  const { phone, sent, failures } = startApplier();
  await phone.set(ALICE, onPhone);
  await until(() => count(sent, isPhonePresence) === 1, 'the phone presence sent');
  failures.next = 1;
  await phone.delete(ALICE);
  await until(() => count(sent, restored) === 1, 'the presence after the call sent');
  await until(() => count(sent, restored) === 2, 'the presence after the call sent again', 3000);
  expect(count(sent, isPhonePresence)).toBe(1);
});

test('within the grace after Redis lost the entry, nothing that asks restores the presence', async () => {
  const { phone, sent, settingsChanged } = startApplier();
  await phone.set(ALICE, onPhone);
  await until(() => count(sent, isPhonePresence) === 1, 'the phone presence sent');
  phone.lose(ALICE);
  settingsChanged();
  // The reconciliation asked for runs on promise ticks: a macrotask later it has run.
  await new Promise((resolve) => setImmediate(resolve));
  // The entry is back within the grace, as its writer puts it back.
  await phone.set(ALICE, onPhone);
  await new Promise((resolve) => setImmediate(resolve));
  expect(count(sent, restored)).toBe(0);
});
