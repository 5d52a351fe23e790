import type { Element } from 'ltx';
import { iqFailure, xml, type TestClient } from '@asterisk-im/server-core/testing';
import { PHONE_NS } from '../src/actions';
import { startPluginWorld, type PluginWorld } from './admin-world';
import { eventually } from '@asterisk-im/server-core/testing';

let w: PluginWorld;
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  w = await startPluginWorld();
  alice = await w.online('alice', 'desk');
  bob = await w.online('bob', 'desk');
});
afterAll(async () => {
  await w?.stop();
});
afterEach(async () => {
  await w.sim.calls.hangupAll();
  w.sim.resetRecords();
});

function forward(callId: string, target: Element): Element {
  return xml('iq', { type: 'set', to: `phone.${w.domain}` }, xml('phone-action', { xmlns: PHONE_NS, type: 'FORWARD', id: callId }, target));
}

/** The call id clients know: the `callID` of the RING phone event for that phone, received after `since`. */
async function ringingCallId(client: TestClient, device: string, since: number): Promise<string> {
  const isRing = (s: Element) => s.getChild('phone-event', PHONE_NS)?.attrs.type === 'RING' && s.getChild('phone-event', PHONE_NS)?.attrs.device === device;
  const event = await client.waitFor(
    (s) => s.is('message') && isRing(s) && client.received.indexOf(s) >= since,
    5000,
    `a RING event for ${device}`,
  );
  return String(event.getChild('phone-event', PHONE_NS)!.attrs.callID);
}

test('FORWARD sends the caller of a ringing call to another extension', async () => {
  const since = alice.received.length;
  await w.sim.calls.dial('PJSIP/1004', '1001');
  const callId = await ringingCallId(alice, 'PJSIP/1001', since);

  const reply = await alice.iq(forward(callId, xml('extension', {}, '1003')));
  expect(reply.getChild('phone-action', PHONE_NS)?.attrs.type).toBe('FORWARD');

  const redirect = w.sim.actions().find((a) => a.action.toLowerCase() === 'redirect');
  const caller = redirect?.headers.find(([k]) => k.toLowerCase() === 'channel')?.[1];
  expect(caller).toMatch(/^PJSIP\/1004-/);
  await eventually('1003 rings', () => w.sim.deviceState('PJSIP/1003') === 'RINGING');
  await eventually('alice\'s phone stops ringing', () => w.sim.deviceState('PJSIP/1001') === 'NOT_INUSE');
});

test('FORWARD of an answered call moves the other party; a JID target uses that user\'s primary extension', async () => {
  const since = alice.received.length;
  const call = await w.sim.calls.dial('PJSIP/1004', '1001');
  const callId = await ringingCallId(alice, 'PJSIP/1001', since);
  await call.answer();
  await alice.iq(forward(callId, xml('jid', {}, `bob@${w.domain}`)));
  await eventually('bob\'s phone rings', () => w.sim.deviceState('PJSIP/1002') === 'RINGING');
  expect(w.sim.calls.byDevice('PJSIP/1002').map((c) => c.caller.device)).toEqual(['PJSIP/1004']);
});

test('a user cannot forward someone else\'s call, nor a call that does not exist', async () => {
  const since = bob.received.length;
  await w.sim.calls.dial('PJSIP/1004', '1002');
  const bobsCall = await ringingCallId(bob, 'PJSIP/1002', since);
  expect(await iqFailure(alice, forward(bobsCall, xml('extension', {}, '1003')))).toMatchObject({ condition: 'not-authorized' });
  expect(await iqFailure(alice, forward('1234.99', xml('extension', {}, '1003')))).toMatchObject({ condition: 'item-not-found' });
  expect(w.sim.actions().filter((a) => a.action.toLowerCase() === 'redirect')).toEqual([]);
  expect(w.sim.deviceState('PJSIP/1002')).toBe('RINGING');
});
