/**
 * Voicemail counts on one node against the simulator: MessageWaiting reaches every session of
 * the user as a headline, a late login gets the counts at once, the IQ answers them, a resync
 * after a dropped link asks MailboxCount and corrects what changed meanwhile; nobody else hears.
 */
import type { Element } from 'ltx';
import { iqFailure, renderMetrics, roundTrip, xml, type TestClient } from '@asterisk-im/server-core/testing';
import { eventually } from '@asterisk-im/server-core/testing';
import { AMI_USER, mark, startPhoneWorld, type PhoneWorld } from './phone-world';

const NS = 'urn:asterisk-im:voicemail:0';

let w: PhoneWorld;
afterAll(async () => {
  await w?.stop();
});

const voicemail = (s: Element): Element | undefined => (s.is('message') && s.attrs.type === 'headline' && s.attrs.from === `phone.${w.domain}` ? s.getChild('voicemail', NS) : undefined);
const counts = (expected: string) => (s: Element): boolean => {
  const v = voicemail(s);
  return v !== undefined && `${v.attrs.new}/${v.attrs.old}` === expected;
};
const told = (client: TestClient): string[] => client.received.map(voicemail).filter((v): v is Element => v !== undefined).map((v) => `${v.attrs.new}/${v.attrs.old}`);

async function askCounts(client: TestClient): Promise<string> {
  const answer = await client.iq(xml('iq', { type: 'get', to: `phone.${w.domain}` }, xml('voicemail', { xmlns: NS })));
  const v = answer.getChild('voicemail', NS)!;
  return `${v.attrs.new}/${v.attrs.old}`;
}

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

test('counts live, on a late login, by IQ, and after a resync; only alice hears them', async () => {
  w = await startPhoneWorld();
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  // The resync at connect asked for alice's (empty) boxes: her client knows she has none waiting.
  await alice.waitFor(counts('0/0'), 5000, 'the counts at login');
  const metricsBefore = (await renderMetrics()).text;
  // alice has PJSIP/1001 and PJSIP/1003: mailboxes 1001@default and 1003@default, summed.
  const seen = mark(alice);
  w.sim.setMailbox('1001@default', { newMessages: 2, oldMessages: 5 });
  await seen.next(counts('2/5'), 'the counts 2/5');
  w.sim.setMailbox('1003@default', { newMessages: 1 });
  await seen.next(counts('3/5'), 'the counts 3/5');
  // A box nobody maps changes nothing for anyone.
  w.sim.setMailbox('1002@default', { newMessages: 9 });
  expect(await askCounts(alice)).toBe('3/5');

  // A second client of alice logging in now gets the counts at once.
  const phone = await w.online('alice', 'phone');
  await phone.waitFor(counts('3/5'), 5000, 'the counts on the late login');

  // The link drops; while nobody listens alice reads two messages. The reconnect's resync asks
  // MailboxCount for both boxes and tells every session of alice the new counts, once.
  const actionsBefore = w.sim.actions().length;
  const afterDrop = mark(alice);
  w.sim.dropAllConnections();
  w.sim.setMailbox('1001@default', { newMessages: 0, oldMessages: 7 });
  await afterDrop.next(counts('1/7'), 'the counts after the resync', 10000);
  await mark(phone).next(counts('1/7'), 'the counts after the resync on the phone', 10000);
  const asked = w.sim.actions().slice(actionsBefore).filter((a) => a.action === 'MailboxCount');
  expect(asked.map((a) => a.headers.find(([k]) => k.toLowerCase() === 'mailbox')?.[1]).sort()).toEqual(['1001@default', '1003@default']);
  expect(await askCounts(phone)).toBe('1/7');

  // Everything sent before the pings is in: each change once per session, nothing to bob.
  await Promise.all([roundTrip(alice, w.domain), roundTrip(phone, w.domain), roundTrip(bob, w.domain)]);
  expect(told(alice)).toEqual(['0/0', '2/5', '3/5', '1/7']);
  expect(told(phone)).toEqual(['3/5', '1/7']);
  expect(told(bob)).toEqual([]);
  expect(await iqFailure(bob, xml('iq', { type: 'get', to: `phone.${w.domain}` }, xml('voicemail', { xmlns: NS })))).toMatchObject({ condition: 'item-not-found' });

  const metrics = (await renderMetrics()).text;
  const delta = (source: string) => sample(metrics, `aim_mwi_updates_total{source="${source}"}`) - sample(metricsBefore, `aim_mwi_updates_total{source="${source}"}`);
  expect([delta('event'), delta('resync')]).toEqual([2, 1]);
  await eventually('the link is back', () => w.sim.loggedInSessions(AMI_USER.username) === 1);
});
