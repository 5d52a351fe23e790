import type { Element } from 'ltx';
import { befriend, isPhonePresence, mark, startPhoneWorld, type PhoneWorld } from './phone-world';

let w: PhoneWorld;
afterAll(async () => {
  await w?.stop();
});

test('with ringingIsBusy on, a ringing phone already shows "On the phone", and a missed call restores presence', async () => {
  w = await startPhoneWorld({ ringingIsBusy: true, presenceShow: 'dnd', statusText: 'Busy on a call' });
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  await befriend(alice, bob, w.domain);
  const fromAlice = (match: (s: Element) => boolean) => (s: Element) => s.is('presence') && s.attrs.from === alice.jid && match(s);

  let seen = mark(bob);
  const call = await w.sim.calls.dial('PJSIP/1002', '1001');
  const ringing = await seen.next(fromAlice(isPhonePresence), 'phone presence while ringing');
  expect(ringing.getChildText('show')).toBe('dnd');
  expect(ringing.getChildText('status')).toBe('Busy on a call');

  seen = mark(bob);
  await call.noAnswer();
  const back = await seen.next(fromAlice((s) => s.attrs.type === undefined && !isPhonePresence(s)), 'alice back after the missed call');
  expect(back.getChildText('show')).toBeNull();
});
