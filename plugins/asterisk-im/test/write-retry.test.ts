/**
 * Replicated writes of the plugin that fail while Redis is unreachable are made again once it
 * takes writes: a trapped presence already restored is not brought back by a removal Redis
 * missed, and the phone activity (XEP-0108) does not stay "on the phone" after the call.
 */
import type { Element } from 'ltx';
import { silentLogger } from '@asterisk-im/server-core/src/log';
import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { PepItem, PepService } from '@asterisk-im/server-core/src/services/pep';
import { ACTIVITY_NS } from '../src/activity/activity-payload';
import { PhoneActivity } from '../src/activity/phone-activity';
import type { AsteriskImConfig } from '../src/config';
import { TrappedPresences } from '../src/presence';
import type { PhoneStateView } from '../src/runtime';
import { FlakyCache, testTimers } from './flaky-cache';
import { until } from './phone-world';

const ALICE = 'alice@localhost';

test('a trapped presence whose removal Redis did not take is removed again', async () => {
  const cache = new FlakyCache('trapped', 'c');
  const trapped = new TrappedPresences(cache, testTimers());
  await trapped.set(`${ALICE}/desk`, { node: 'c', user: ALICE, kind: 'trapped', xml: '<presence><show>dnd</show></presence>' });
  cache.down = true;
  await expect(trapped.delete(`${ALICE}/desk`)).rejects.toThrow();
  expect(trapped.get(`${ALICE}/desk`)).toBeUndefined();
  cache.down = false;
  await until(() => !cache.store.has(`${ALICE}/desk`), 'the removal in the store', 3000);
});

/** PEP as the senior sees it: a publish shows locally at once and, while Redis is down, fails before the other nodes have it. */
class FlakyPep implements Pick<PepService, 'publish' | 'item'> {
  readonly local = new Map<string, PepItem>();
  readonly store = new Map<string, Element>();
  down = false;
  async publish(owner: string, node: string, payload: Element): Promise<string> {
    this.local.set(owner, { node, id: 'current', payload });
    if (this.down) throw new Error('Reached the max retries per request limit (which is 2)');
    this.store.set(owner, payload);
    return 'current';
  }
  item(owner: string): PepItem | undefined {
    return this.local.get(owner);
  }
}

test('a phone activity Redis did not take is published again', async () => {
  const pep = new FlakyPep();
  let onPhone = true;
  const phoneState = { userState: () => ({ user: ALICE, onPhone, calls: [], devices: [] }) } as unknown as PhoneStateView;
  const ctx = { logger: silentLogger(), cluster: { isSenior: () => true }, timers: testTimers() } as unknown as PluginContext<AsteriskImConfig>;
  const activity = new PhoneActivity(ctx, pep as unknown as PepService, phoneState);
  const onThePhoneInStore = () => pep.store.get(ALICE)?.getChild('talking') !== undefined;
  activity.onUserChange(ALICE);
  await until(onThePhoneInStore, 'the activity on the phone in the store');

  pep.down = true;
  onPhone = false;
  activity.onUserChange(ALICE);
  await until(() => pep.item(ALICE)?.payload.getChild('talking') === undefined, 'the senior published the end of the call');
  pep.down = false;
  await until(() => !onThePhoneInStore(), 'the end of the call in the store', 3000);
  expect(pep.store.get(ALICE)?.is('activity', ACTIVITY_NS)).toBe(true);
});
