import type { Element } from 'ltx';
import { chatClientCaps } from '@asterisk-im/server-core/testing';
import { befriend, mark, roundTrip, startAliceAndBob, type PhoneWorld, type TestClient } from './phone-world';

const ACTIVITY = 'http://jabber.org/protocol/activity';
const EVENT = 'http://jabber.org/protocol/pubsub#event';
/** Clients that follow the activity node (they advertise activity+notify in their caps). */
const followsActivity = { caps: chatClientCaps(ACTIVITY) };

let w: PhoneWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  ({ w, alice, bob } = await startAliceAndBob({}, followsActivity));
});
afterAll(async () => {
  await w?.stop();
});

/** The activity payload of a PEP notification from `owner`, or undefined for anything else. */
function activityFrom(owner: string, stanza: Element): Element | undefined {
  if (!stanza.is('message') || stanza.attrs.type !== 'headline' || stanza.attrs.from !== owner) return undefined;
  const items = stanza.getChild('event', EVENT)?.getChild('items');
  if (items?.attrs.node !== ACTIVITY) return undefined;
  return items.getChild('item')?.getChild('activity', ACTIVITY);
}

const onThePhone = (owner: string) => (s: Element) => activityFrom(owner, s)?.getChild('talking')?.getChild('on_the_phone') !== undefined;
const emptyActivity = (owner: string) => (s: Element) => {
  const activity = activityFrom(owner, s);
  return activity !== undefined && activity.children.length === 0;
};

test('a contact sees alice talking/on_the_phone during a call, and an empty activity after hang-up', async () => {
  const aliceJid = `alice@${w.domain}`;
  let seen = mark(bob);
  const seenByAlice = mark(alice);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  const event = await seen.next(onThePhone(aliceJid), 'the on_the_phone activity of alice');
  expect(activityFrom(aliceJid, event)?.getChildText('text')).toBe('On the phone');
  await seenByAlice.next(onThePhone(aliceJid), 'the activity at alice herself');

  seen = mark(bob);
  await call.hangup('caller');
  await seen.next(emptyActivity(aliceJid), 'the empty activity after hang-up');
  expect(seen.since(onThePhone(aliceJid))).toEqual([]);
});

test('a contact coming online during a call gets the activity; one publication per call', async () => {
  const aliceJid = `alice@${w.domain}`;
  const call = await w.sim.calls.dial('PJSIP/1002', '1001');
  await call.answer();
  await mark(bob).next(onThePhone(aliceJid), 'on_the_phone for the answered call');

  const laptop = await w.online('bob', 'laptop', followsActivity);
  await laptop.waitFor(onThePhone(aliceJid), 5000, 'the last activity at a resource that came online');

  const seen = mark(bob);
  await call.hold('callee');
  await call.unhold('callee');
  await call.hangup('caller');
  await seen.next(emptyActivity(aliceJid), 'the empty activity after hang-up');
  expect(seen.since(onThePhone(aliceJid))).toEqual([]);
  await laptop.stop();
});

test('resources that do not advertise activity+notify get no activity', async () => {
  const aliceJid = `alice@${w.domain}`;
  const plainChat = await w.online('bob', 'plain-chat', { caps: chatClientCaps() });
  const noCaps = await w.online('bob', 'no-caps');
  const seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await seen.next(onThePhone(aliceJid), 'on_the_phone at the follower');
  await call.hangup('caller');
  await seen.next(emptyActivity(aliceJid), 'the empty activity at the follower');
  for (const client of [plainChat, noCaps]) {
    await roundTrip(client, w.domain);
    expect(client.received.filter((s) => activityFrom(aliceJid, s) !== undefined)).toEqual([]);
    await client.stop();
  }
});

test('disabling the plugin during a call clears the activity', async () => {
  const aliceJid = `alice@${w.domain}`;
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await seen.next(onThePhone(aliceJid), 'on_the_phone before disabling');

  seen = mark(bob);
  await w.world.server.server.plugins.disable('asterisk-im');
  await seen.next(emptyActivity(aliceJid), 'the empty activity once the plugin stopped');
  await call.hangup('caller');
});
