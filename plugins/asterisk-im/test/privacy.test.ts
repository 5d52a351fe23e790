/**
 * Who sees a user's phone state: with `nobody` (chosen by the user over an IQ, or by an admin)
 * contacts keep seeing what the user chooses while the user's own clients still get their phone
 * events; back on the server's default, contacts see the call again. The caller's number never
 * reaches a contact. The AMI simulator and the clients are real.
 */
import type { Element } from 'ltx';
import { roundTrip } from '@asterisk-im/server-core/testing';
import { startFriendsWorld, type PluginWorld } from './admin-world';
import { isPhonePresence, mark, xml, type TestClient } from './phone-world';

const PRIVACY_NS = 'urn:asterisk-im:privacy:0';
let w: PluginWorld;
let alice: TestClient;
let bob: TestClient;
beforeAll(async () => {
  ({ w, alice, bob } = await startFriendsWorld());
});
afterAll(async () => {
  await w?.stop();
});

const fromAlice = (match: (s: Element) => boolean) => (s: Element) => s.is('presence') && s.attrs.from === alice.jid && s.attrs.type === undefined && match(s);
const privacyIq = (type: 'get' | 'set', visibility?: string) => xml('iq', { type, to: `phone.${w.domain}` }, xml('privacy', { xmlns: PRIVACY_NS, ...(visibility ? { visibility } : {}) }));
const phoneEvent = (type: string) => (s: Element) => s.is('message') && s.getChild('phone-event', 'http://jivesoftware.com/xmlns/phone')?.attrs.type === type;

test('with nobody, contacts see what the user chooses during a call; the user still gets the phone events', async () => {
  const chosen = await alice.iq(privacyIq('set', 'nobody'));
  expect(chosen.getChild('privacy', PRIVACY_NS)?.attrs).toMatchObject({ visibility: 'nobody', default: 'contacts', chosen: 'true' });
  expect((await w.admin('GET', `/users/alice@${w.domain}/privacy`)).body).toEqual({ user: `alice@${w.domain}`, visibility: 'nobody', chosen: 'nobody' });

  let seen = mark(bob);
  const ownEvents = mark(alice);
  const call = await w.sim.calls.dial('PJSIP/1004', '1001', { callerIdNum: '5550100', callerIdName: 'Caller' });
  await call.answer();
  await ownEvents.next(phoneEvent('ON_PHONE'), 'ON_PHONE at alice herself');
  await alice.send(xml('presence', {}, xml('show', {}, 'xa'), xml('status', {}, 'Lunch')));
  await seen.next(fromAlice((s) => s.getChildText('status') === 'Lunch'), 'the status alice picked, at once');
  await roundTrip(bob, w.domain);
  expect(seen.since(fromAlice(isPhonePresence))).toEqual([]);

  // Back on the server's default mid-call: contacts see the call now.
  seen = mark(bob);
  const back = await alice.iq(privacyIq('set', 'default'));
  expect(back.getChild('privacy', PRIVACY_NS)?.attrs).toMatchObject({ visibility: 'contacts', chosen: 'false' });
  const phone = await seen.next(fromAlice(isPhonePresence), 'the phone presence');
  expect(phone.toString()).not.toContain('5550100');
  await call.hangup('caller');
  await seen.next(fromAlice((s) => !isPhonePresence(s) && s.getChildText('status') === 'Lunch'), 'alice back after the call');
});

test('an admin sets it for a user; a bad value is refused with the field named', async () => {
  const put = await w.admin('PUT', `/users/alice@${w.domain}/privacy`, { visibility: 'nobody' });
  expect(put.body).toEqual({ user: `alice@${w.domain}`, visibility: 'nobody', chosen: 'nobody' });
  expect((await w.admin('PUT', `/users/alice@${w.domain}/privacy`, { visibility: 'friends' })).status).toBe(400);
  const reset = await w.admin('PUT', `/users/alice@${w.domain}/privacy`, { visibility: null });
  expect(reset.body).toEqual({ user: `alice@${w.domain}`, visibility: 'contacts', chosen: null });
  await expect(alice.iq(privacyIq('set', 'friends'))).rejects.toThrow(/bad-request/);
});
