/**
 * The senior's phone state writes while Redis is unreachable: a write that failed is written
 * again once the store takes writes, so the other nodes do not keep showing a call that ended
 * (or miss one in progress) until the user's next call. The AMI simulator, the link and the
 * phone store (SQLite) are real; the replicated cache is one whose writes can fail.
 */
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { counter, gauge, histogram, silentLogger } from '@asterisk-im/server-core';
import { eventually } from '@asterisk-im/server-core/testing';
import type { UserPhoneState } from '../src/calls';
import { configSchema } from '../src/config';
import { LinkManager } from '../src/link';
import { PhoneStateCache } from '../src/presence';
import type { AmiLinkStatus } from '../src/runtime';
import type { SqlPhoneStore } from '../src/store';
import { registerTelephonyMetrics } from '../src/telephony-metrics';
import { FlakyCache, testTimers } from './flaky-cache';
import { AMI_USER } from './phone-world';
import { openSqlitePhoneStore } from './sqlite-phone-store';

const ALICE = 'alice@localhost';
const timers = testTimers();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  timers.cancelAll();
});

/** A phone store with the simulator's server and alice's phone 1001. */
async function phoneStore(sim: AmiSimulator): Promise<SqlPhoneStore> {
  const store = await openSqlitePhoneStore(cleanups);
  await store.servers.add({ name: 'pbx', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret });
  await store.devices.add({ device: 'PJSIP/1001', user: ALICE, server: 'pbx', extension: '1001' });
  return store;
}

/** This node is senior and holds the link to the simulator; phone states go to `users`. */
async function seniorWithLink(users: FlakyCache<UserPhoneState>): Promise<AmiSimulator> {
  const sim = await startAmiSimulator({ users: [AMI_USER], endpoints: ['1001', '1004'] });
  cleanups.push(() => sim.stop());
  const store = await phoneStore(sim);
  const stops: Array<() => unknown> = [];
  cleanups.push(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  new LinkManager({
    ctx: {
      nodeId: 'senior',
      logger: silentLogger(),
      config: { value: configSchema.parse({ link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000 } }), on: () => () => undefined },
      cluster: { on: () => () => undefined, isSenior: () => true, members: () => ['senior'] },
      timers,
      onStop: (undo) => stops.push(undo),
    },
    store,
    phoneState: new PhoneStateCache(users),
    statusCache: new FlakyCache<AmiLinkStatus>('link-status'),
    metrics: registerTelephonyMetrics({ counter, gauge, histogram }),
  }).start();
  await eventually('the link logged in', () => sim.loggedInSessions(AMI_USER.username) === 1);
  return sim;
}

const onPhoneInStore = (users: FlakyCache<UserPhoneState>) => users.store.get(ALICE)?.onPhone === true;

test('a hang-up whose phone state write failed reaches the store once it takes writes again', async () => {
  const users = new FlakyCache<UserPhoneState>('phone-users');
  const sim = await seniorWithLink(users);
  const call = await sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await eventually('the call in the store', () => onPhoneInStore(users));

  users.down = true;
  await call.hangup('caller');
  await eventually('the senior saw the hang-up', () => users.get(ALICE) === undefined);
  expect(onPhoneInStore(users)).toBe(true);
  users.down = false;

  await eventually('the hang-up in the store', () => !users.store.has(ALICE), 3000);
});

test('a call whose phone state write failed reaches the store once it takes writes again', async () => {
  const users = new FlakyCache<UserPhoneState>('phone-users');
  const sim = await seniorWithLink(users);
  users.down = true;
  const call = await sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await eventually('the senior saw the call', () => users.get(ALICE)?.onPhone === true);
  expect(users.store.has(ALICE)).toBe(false);
  users.down = false;

  await eventually('the call in the store', () => onPhoneInStore(users), 3000);
  await call.hangup('caller');
  await eventually('the hang-up in the store', () => !users.store.has(ALICE));
});
