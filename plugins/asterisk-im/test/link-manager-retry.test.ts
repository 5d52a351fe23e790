/**
 * The senior's phone state writes while Redis is unreachable: a write that failed is written
 * again once the store takes writes, so the other nodes do not keep showing a call that ended
 * (or miss one in progress) until the user's next call.
 */
import { startAmiSimulator, type AmiSimulator } from '@asterisk-im/fixtures/ami-sim';
import { silentLogger } from '@asterisk-im/server-core/src/log';
import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { AsteriskImConfig } from '../src/config';
import { LinkManager } from '../src/link';
import { PhoneStateCache } from '../src/presence';
import type { SqlPhoneStore } from '../src/store';
import { FlakyCache, testTimers } from './flaky-cache';
import { AMI_USER, until } from './phone-world';

let sim: AmiSimulator | undefined;
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await sim?.stop();
  sim = undefined;
});

async function seniorWithLink(users: FlakyCache): Promise<void> {
  sim = await startAmiSimulator({ users: [AMI_USER], endpoints: ['1001', '1004'] });
  const server = { name: 'pbx', host: sim.host, port: sim.port, username: AMI_USER.username, secret: AMI_USER.secret, tls: false };
  const store = {
    servers: { list: () => [server] },
    credentials: () => server,
    devices: { list: () => [{ device: 'PJSIP/1001', user: 'alice@localhost', server: 'pbx', monitored: true }] },
    settings: { get: () => ({ ringingIsBusy: false }) },
    onChange: () => () => undefined,
  } as unknown as SqlPhoneStore;
  const ctx = {
    nodeId: 'senior',
    logger: silentLogger(),
    config: { value: { link: { reconnectMinMs: 50, reconnectMaxMs: 200, actionTimeoutMs: 2000 } } },
    cluster: { on: () => undefined, isSenior: () => true, members: () => ['senior'] },
    timers: testTimers(),
    onStop: (undo: () => unknown) => stops.push(undo),
  } as unknown as PluginContext<AsteriskImConfig>;
  const statusCache = new FlakyCache();
  new LinkManager({ ctx, store, phoneState: new PhoneStateCache(users), statusCache }).start();
  await until(() => sim!.loggedInSessions(AMI_USER.username) === 1, 'the link logged in');
}

const onPhoneInStore = (users: FlakyCache) => (users.store.get('alice@localhost') as { onPhone?: boolean } | undefined)?.onPhone === true;

test('a hang-up whose phone state write failed reaches the store once it takes writes again', async () => {
  const users = new FlakyCache();
  await seniorWithLink(users);
  const call = await sim!.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await until(() => onPhoneInStore(users), 'the call in the store');

  users.down = true;
  await call.hangup('caller');
  await until(() => users.get('alice@localhost') === undefined, 'the senior saw the hang-up');
  expect(onPhoneInStore(users)).toBe(true);
  users.down = false;

  await until(() => !users.store.has('alice@localhost'), 'the hang-up in the store', 3000);
});

test('a call whose phone state write failed reaches the store once it takes writes again', async () => {
  const users = new FlakyCache();
  await seniorWithLink(users);
  users.down = true;
  const call = await sim!.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await until(() => (users.get('alice@localhost') as { onPhone?: boolean } | undefined)?.onPhone === true, 'the senior saw the call');
  users.down = false;

  await until(() => onPhoneInStore(users), 'the call in the store', 3000);
  await call.hangup('caller');
  await until(() => !users.store.has('alice@localhost'), 'the hang-up in the store');
});
