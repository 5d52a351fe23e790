/**
 * Asterisk-IM in a cluster of three real node processes sharing one AMI simulator: phone
 * presence, trapped presence, phone events and click-to-dial for users and contacts on nodes
 * that do not hold the AMI link; and an AMI link dropped mid-call.
 */
import type { TestClient } from '../support/xmpp-client';
import { xml } from '../support/xmpp-client';
import { mutualSubscription } from '../cluster/cluster-steps';
import { AMI_USER, PhoneCluster } from './phone-cluster';
import { iqFailure, isPhonePresence, lastPresence, mark, notPhone, passMarker, phoneAction, phoneEvent, PHONE_NS, presenceFrom, settle } from './phone-steps';

let pc: PhoneCluster;
let aliceDesk: TestClient;
let aliceLaptop: TestClient;
let bob: TestClient;
let carol: TestClient;

beforeAll(async () => {
  pc = await PhoneCluster.start();
  const senior = await pc.waitForSenior();
  const [juniorA, juniorB] = pc.juniors();
  // alice on a junior and on the senior; her contact bob on the other junior.
  aliceDesk = await pc.online(juniorA!, 'alice', 'desk');
  aliceLaptop = await pc.online(senior, 'alice', 'laptop');
  bob = await pc.online(juniorB!, 'bob', 'pc');
  carol = await pc.online(juniorA!, 'carol', 'pc');
  await mutualSubscription(aliceDesk, bob);
  await bob.waitFor(presenceFrom(aliceLaptop, notPhone), 5000, 'the laptop available');
  pc.sim.resetRecords();
}, 120000);

afterAll(async () => {
  await pc?.stop();
}, 30000);

afterEach(async () => {
  await pc.sim.calls.hangupAll();
  // Whatever a test did, only one node ever held an AMI session at a time.
  const most = pc.sim.maxConcurrentSessions(AMI_USER.username);
  pc.sim.resetRecords();
  expect(most).toBe(1);
});

test('a call shows "On the phone" to a contact on another junior; a status set meanwhile is trapped; hang-up restores it; events once per session', async () => {
  const seen = mark(bob);
  const seenAlice = [mark(aliceDesk), mark(aliceLaptop)];
  const call = await pc.sim.calls.dial('PJSIP/1004', '1001', { callerIdNum: '1004', callerIdName: 'Dora' });
  for (const m of seenAlice) {
    const ring = (await m.next(phoneEvent('RING'), 'RING', 5000)).getChild('phone-event', PHONE_NS)!;
    expect(ring.attrs.device).toBe('PJSIP/1001');
    expect(ring.getChildText('callerID')).toBe('1004');
    expect(ring.getChildText('callerIDName')).toBe('Dora');
  }

  await call.answer();
  for (const session of [aliceDesk, aliceLaptop]) {
    const onPhone = await seen.next(presenceFrom(session, isPhonePresence), `the phone presence of ${session.jid}`, 5000);
    expect(onPhone.getChildText('show')).toBe('away');
    expect(onPhone.getChildText('status')).toBe('On the phone');
  }
  for (const m of seenAlice) await m.next(phoneEvent('ON_PHONE'), 'ON_PHONE', 5000);

  // A status change during the call, from the node that is not the senior, is held back.
  const trapped = mark(bob);
  await aliceDesk.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Writing the report')));
  await passMarker(aliceDesk, bob);
  expect(trapped.since(presenceFrom(aliceDesk))).toEqual([]);

  await call.hangup('caller');
  const deskBack = await seen.next(presenceFrom(aliceDesk, notPhone), 'the trapped presence of the desk', 5000);
  expect(deskBack.getChildText('show')).toBe('dnd');
  expect(deskBack.getChildText('status')).toBe('Writing the report');
  const laptopBack = await seen.next(presenceFrom(aliceLaptop, notPhone), 'the laptop presence from before the call', 5000);
  expect(laptopBack.getChildText('show')).toBeNull();
  for (const m of seenAlice) await m.next(phoneEvent('HANG_UP'), 'HANG_UP', 5000);

  // Each node tells its own sessions; whatever they sent before a marker has arrived once it is in.
  await Promise.all([passMarker(bob, aliceDesk), passMarker(bob, aliceLaptop), passMarker(aliceDesk, bob), passMarker(aliceLaptop, bob)]);
  for (const m of seenAlice) for (const type of ['RING', 'ON_PHONE', 'HANG_UP']) expect(m.since(phoneEvent(type))).toHaveLength(1);
  expect(seen.since(presenceFrom(aliceDesk, isPhonePresence))).toHaveLength(1);
  expect(seen.since(presenceFrom(aliceLaptop, isPhonePresence))).toHaveLength(1);
  expect(isPhonePresence(lastPresence(bob, aliceDesk)!)).toBe(false);
  expect(isPhonePresence(lastPresence(bob, aliceLaptop)!)).toBe(false);

  await aliceDesk.send(xml('presence'));
  await seen.next(presenceFrom(aliceDesk, (s) => notPhone(s) && s.getChildText('show') === null), 'the desk available again', 5000);
}, 60000);

const originates = () => pc.sim.actions().filter((a) => a.action.toLowerCase() === 'originate');
const header = (headers: Array<[string, string]>, key: string) => headers.filter(([k]) => k.toLowerCase() === key.toLowerCase()).map(([, v]) => v);

test('click-to-dial from a junior originates from the user\'s primary phone through the senior', async () => {
  const reply = await aliceDesk.iq(phoneAction('DIAL', xml('extension', {}, '1002')), 10000);
  expect(reply.getChild('phone-action', PHONE_NS)?.attrs.type).toBe('DIAL');
  expect(originates()).toHaveLength(1);
  expect(header(originates()[0]!.headers, 'Channel')).toEqual(['PJSIP/1001']);
  expect(header(originates()[0]!.headers, 'Exten')).toEqual(['1002']);
  await pc.untilTrue(() => pc.sim.deviceState('PJSIP/1002') === 'RINGING', 'bob\'s phone rings');
  expect(pc.sim.calls.byDevice('PJSIP/1002').map((c) => c.caller.device)).toEqual(['PJSIP/1001']);
}, 30000);

test('nobody dials from or redirects someone else\'s phone', async () => {
  // carol has no phone of her own: nothing is originated, not even from alice's.
  expect(await iqFailure(carol, phoneAction('DIAL', xml('extension', {}, '1002')))).toMatchObject({ condition: 'item-not-found' });
  // bob may not forward alice's call.
  const seen = mark(aliceDesk);
  await pc.sim.calls.dial('PJSIP/1004', '1001');
  // This call's RING: one of the previous test's call may still be on its way to alice.
  const callId = String((await seen.next(phoneEvent('RING', '1004'), 'RING from 1004', 5000)).getChild('phone-event', PHONE_NS)!.attrs.callID);
  expect(await iqFailure(bob, phoneAction('FORWARD', xml('extension', {}, '1002'), { id: callId }))).toMatchObject({ condition: 'not-authorized' });
  expect(originates()).toEqual([]);
  expect(pc.sim.actions().filter((a) => a.action.toLowerCase() === 'redirect')).toEqual([]);
}, 30000);

const refusals = () => pc.sim.connections().filter((c) => c.reason === 'refused').length;

test('a call that ends while the AMI link is down: presence is restored after the reconnect', async () => {
  const seen = mark(bob);
  const call = await pc.sim.calls.dial('PJSIP/1001', '1002');
  await call.answer();
  await seen.next(presenceFrom(aliceDesk, isPhonePresence), 'the phone presence', 5000);

  pc.sim.refuseConnections(true);
  pc.sim.dropAllConnections();
  await pc.untilTrue(() => pc.sim.loggedInSessions(AMI_USER.username) === 0, 'the link dropped');
  await call.hangup('caller');
  // The senior has tried to reconnect and been refused: it knows no more than before.
  const refusedBefore = refusals();
  await pc.untilTrue(() => refusals() > refusedBefore, 'a refused reconnect', 10000);
  await passMarker(aliceDesk, bob);
  expect(isPhonePresence(lastPresence(bob, aliceDesk)!)).toBe(true);
  pc.sim.refuseConnections(false);

  await pc.untilTrue(() => pc.sim.loggedInSessions(AMI_USER.username) === 1, 'the senior logged in again', 10000);
  await seen.next(presenceFrom(aliceDesk, notPhone), 'the desk restored after the resync', 5000);
  await seen.next(presenceFrom(aliceLaptop, notPhone), 'the laptop restored after the resync', 5000);
}, 30000);
