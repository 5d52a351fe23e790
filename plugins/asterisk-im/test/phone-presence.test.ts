import type { Element } from 'ltx';
import { befriend, isPhonePresence, isPresence, mark, roundTrip, startAliceAndBob, xml, PHONE_NS, AMI_USER, type PhoneWorld, type TestClient } from './phone-world';
import { eventually } from '@asterisk-im/server-core/testing';

let w: PhoneWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  ({ w, alice, bob } = await startAliceAndBob());
});
afterAll(async () => {
  await w?.stop();
});

/** Any presence from that session (available or not) that also satisfies `match`. */
const presenceFrom = (client: TestClient, match: (s: Element) => boolean = () => true) => (s: Element) => s.is('presence') && s.attrs.from === client.jid && match(s);
/** An available presence without the phone parts. */
const notPhone = (s: Element) => s.attrs.type === undefined && !isPhonePresence(s);
const phoneEvent = (type: string) => (s: Element) => s.is('message') && s.attrs.from === `phone.${w.domain}` && s.getChild('phone-event', PHONE_NS)?.attrs.type === type;

/** Both streams handled everything sent so far, so "nothing new" is a real observation. */
async function settle(...clients: TestClient[]): Promise<void> {
  for (const c of clients) await roundTrip(c, w.domain);
}

test('a call shows away/"On the phone"; a status set during the call is held back and shown at hang-up', async () => {
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  const onPhone = await seen.next(presenceFrom(alice, isPhonePresence), 'the phone presence of alice');
  expect(onPhone.getChildText('show')).toBe('away');
  expect(onPhone.getChildText('status')).toBe('On the phone');

  seen = mark(bob);
  await alice.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Writing the report')));
  await settle(alice, bob);
  expect(seen.since(presenceFrom(alice))).toEqual([]);

  seen = mark(bob);
  await call.hangup('caller');
  const after = await seen.next(presenceFrom(alice, notPhone), 'the presence alice set during the call');
  expect(after.getChildText('show')).toBe('dnd');
  expect(after.getChildText('status')).toBe('Writing the report');

  seen = mark(bob);
  await alice.send(xml('presence'));
  await seen.next(presenceFrom(alice, (s) => s.getChildText('show') === null), 'alice available again');
});

test('ringing is not busy by default; answer, hold and hang-up; each phone event once per session', async () => {
  const laptop = await w.online('alice', 'laptop');
  const seenAlice = [mark(alice), mark(laptop)];
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1002', '1001', { callerIdNum: '1002', callerIdName: 'Carol' });
  for (const m of seenAlice) {
    const ring = await m.next(phoneEvent('RING'), 'RING');
    expect(ring.getChild('phone-event', PHONE_NS)?.getChildText('callerID')).toBe('1002');
    expect(ring.getChild('phone-event', PHONE_NS)?.getChildText('callerIDName')).toBe('Carol');
    expect(ring.getChild('phone-event', PHONE_NS)?.attrs.device).toBe('PJSIP/1001');
  }
  await settle(bob);
  expect(seen.since(presenceFrom(alice, isPhonePresence))).toEqual([]);

  await call.answer();
  await seen.next(presenceFrom(alice, isPhonePresence), 'phone presence after answering');
  for (const m of seenAlice) await m.next(phoneEvent('ON_PHONE'), 'ON_PHONE');

  seen = mark(bob);
  await call.hold('callee');
  await call.unhold('callee');
  await settle(bob);
  expect(seen.since(presenceFrom(alice))).toEqual([]);

  await call.hangup('caller');
  await seen.next(presenceFrom(alice, notPhone), 'alice back from the phone');
  for (const m of seenAlice) await m.next(phoneEvent('HANG_UP'), 'HANG_UP');
  await settle(alice, laptop);
  for (const m of seenAlice) {
    for (const type of ['RING', 'ON_PHONE', 'HANG_UP']) expect(m.since(phoneEvent(type))).toHaveLength(1);
  }
  await laptop.stop();
});

test('a transferred call keeps the user on the phone until the transferred call ends', async () => {
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await call.answer();
  await seen.next(presenceFrom(alice, isPhonePresence), 'phone presence');
  seen = mark(bob);
  const transferred = await call.blindTransfer('1004', 'callee');
  await transferred.answer();
  await settle(bob);
  // The phone's state may move (dialing again, on a call), never off the phone.
  expect(seen.since(presenceFrom(alice)).filter((p) => !isPhonePresence(p))).toEqual([]);
  await transferred.hangup('caller');
  await seen.next(presenceFrom(alice, notPhone), 'alice back after the transferred call');
});

test('parallel calls on two devices: presence comes back only after the last one', async () => {
  let seen = mark(bob);
  const seenAlice = mark(alice);
  const first = await w.sim.calls.dial('PJSIP/1001', '1002');
  await first.answer();
  await seen.next(presenceFrom(alice, isPhonePresence), 'phone presence');
  const second = await w.sim.calls.dial('PJSIP/1003', '1004');
  await second.answer();
  seen = mark(bob);
  await first.hangup('caller');
  await seenAlice.next(phoneEvent('HANG_UP'), 'HANG_UP of the first call');
  await settle(bob);
  expect(seen.since(presenceFrom(alice)).filter((p) => !isPhonePresence(p))).toEqual([]);
  await second.hangup('caller');
  await seen.next(presenceFrom(alice, notPhone), 'alice back after the second call');
});

test('a session logging in mid-call shows the phone, then its own presence; one logging off just ends', async () => {
  const tablet = await w.online('alice', 'tablet');
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await seen.next(presenceFrom(tablet, isPhonePresence), 'phone presence of the tablet');

  const phone = await w.online('alice', 'mobile', { priority: null });
  await phone.send(xml('presence', {}, xml('status', {}, 'Just arrived')));
  const first = await seen.next(presenceFrom(phone), 'the first presence of the mobile');
  expect(isPhonePresence(first)).toBe(true);

  await tablet.send(xml('presence', {}, xml('status', {}, 'About to leave')));
  await tablet.stop();
  await seen.next(presenceFrom(tablet, (s) => s.attrs.type === 'unavailable'), 'the tablet gone');

  seen = mark(bob);
  await call.hangup('caller');
  const back = await seen.next(presenceFrom(phone, notPhone), 'the mobile presence after the call');
  expect(back.getChildText('status')).toBe('Just arrived');
  await seen.next(presenceFrom(alice, notPhone), 'the desk presence after the call');
  await settle(alice, phone, bob);
  expect(seen.since(presenceFrom(tablet))).toEqual([]);
  await phone.stop();
});

test('a call that ends while the AMI link is down is cleared by the resync after reconnecting', async () => {
  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1001', '1002');
  await call.answer();
  await seen.next(presenceFrom(alice, isPhonePresence), 'phone presence');

  w.sim.refuseConnections(true);
  w.sim.dropAllConnections();
  await eventually('the link dropped', () => w.sim.loggedInSessions(AMI_USER.username) === 0);
  seen = mark(bob);
  await call.hangup('caller');
  w.sim.refuseConnections(false);
  await seen.next(presenceFrom(alice, notPhone), 'alice back after the resync', 10_000);
  expect(w.sim.maxConcurrentSessions(AMI_USER.username)).toBe(1);
});

test('phone.<domain> answers disco: identity directory/phone, the phone feature for users with a device', async () => {
  const info = (node?: string) =>
    alice.iq(xml('iq', { type: 'get', to: `phone.${w.domain}` }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info', ...(node ? { node } : {}) })));
  const features = (result: Element) => result.getChild('query')!.getChildren('feature').map((f) => f.attrs.var as string);
  const service = await info();
  expect(service.getChild('query')!.getChild('identity')!.attrs).toMatchObject({ category: 'directory', type: 'phone' });
  expect(features(await info('alice'))).toContain('http://jivesoftware.com/phone');
  expect(features(await info('alice@localhost'))).toContain('http://jivesoftware.com/phone');
  expect(features(await info('bob'))).not.toContain('http://jivesoftware.com/phone');
});

const trappedEntry = (client: TestClient): unknown =>
  w.world.server.server.context.cluster.createCache('plugin.asterisk-im.trapped-presence').get(client.jid);

test('a presence that says no more than the phone presence keeps is given back without being stored; the plugin stopping mid-call restores every session', async () => {
  // The laptop says nothing the phone presence does not keep; the desk has a status it replaces.
  const laptop = await w.online('alice', 'laptop');
  await laptop.send(xml('presence', {}, xml('priority', {}, '5')));
  await alice.send(xml('presence', {}, xml('status', {}, 'Reading')));
  await settle(alice, laptop, bob);
  const seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await seen.next(presenceFrom(laptop, isPhonePresence), 'the phone presence of the laptop');
  await seen.next(presenceFrom(alice, isPhonePresence), 'the phone presence of the desk');
  expect(trappedEntry(laptop)).toBeUndefined();
  expect(trappedEntry(alice)).toMatchObject({ kind: 'before-call' });

  await w.world.server.server.plugins.disable('asterisk-im');
  const laptopBack = await seen.next(presenceFrom(laptop, notPhone), 'the laptop without the phone once the plugin stopped');
  expect(laptopBack.getChildText('priority')).toBe('5');
  expect(laptopBack.getChildText('show')).toBeNull();
  expect(laptopBack.getChildText('status')).toBeNull();
  const deskBack = await seen.next(presenceFrom(alice, notPhone), 'the desk without the phone once the plugin stopped');
  expect(deskBack.getChildText('status')).toBe('Reading');
  await call.hangup('caller');
});
