/**
 * The call log on one node: calls of the simulator's phones become rows the user reads with the
 * call-log IQ (their own only, paged), admins read through the admin API; a call missed while
 * the user was offline is told once at the next login when missedCallMessages is on.
 */
import type { Element } from 'ltx';
import { eventually, iqFailure, renderMetrics, roundTrip, xml, type TestClient } from '@asterisk-im/server-core/testing';
import { CallLogStore } from '../src/calllog';
import { startPluginWorld, type PluginWorld } from './admin-world';

const NS = 'urn:asterisk-im:call-log:0';
const OUTSIDE = { callerIdNum: '+4930123456', callerIdName: 'Outside Caller' };

let w: PluginWorld;
beforeAll(async () => {
  w = await startPluginWorld({ missedCallMessages: true });
});
afterAll(async () => {
  await w?.stop();
});

const callsIq = (attrs: Record<string, string> = {}): Element => xml('iq', { type: 'get', to: `phone.${w.domain}` }, xml('calls', { xmlns: NS, ...attrs }));

async function callLog(client: TestClient, attrs: Record<string, string> = {}): Promise<{ complete: string; calls: Array<Record<string, string>> }> {
  const answer = await client.iq(callsIq(attrs));
  const calls = answer.getChild('calls', NS)!;
  return { complete: String(calls.attrs.complete), calls: calls.getChildren('call').map((c) => ({ ...c.attrs }) as Record<string, string>) };
}

async function adminCalls(user: string): Promise<Array<Record<string, unknown>>> {
  const answer = await w.admin('GET', `/users/${user}/calls`);
  expect(answer.status).toBe(200);
  return answer.body.calls;
}

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

test('answered and unanswered calls: the user reads their own, newest first, paged; others are refused', async () => {
  const alice = await w.online('alice', 'desk');
  const bob = await w.online('bob', 'desk');
  const before = await renderMetrics();
  const t0 = Date.now();
  // An outside caller rings alice; she answers and it lasts a moment.
  const incoming = await w.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await incoming.answer();
  await incoming.hangup('caller');
  // alice calls bob, who does not pick up.
  const outgoing = await w.sim.calls.dial('PJSIP/1001', '1002');
  await outgoing.cancel();
  await eventually('both calls of alice logged', async () => (await adminCalls('alice@localhost')).length === 2);

  const page = await callLog(alice);
  expect(page.complete).toBe('true');
  expect(page.calls.map(({ direction, number, name, answered, duration }) => ({ direction, number, name, answered, duration }))).toEqual([
    { direction: 'outgoing', number: '1002', name: undefined, answered: 'false', duration: '0' },
    { direction: 'incoming', number: '+4930123456', name: 'Outside Caller', answered: 'true', duration: '0' },
  ]);
  for (const call of page.calls) {
    expect(Date.parse(call.start!)).toBeGreaterThanOrEqual(t0 - 1000);
    expect(Date.parse(call.start!)).toBeLessThanOrEqual(Date.now());
  }
  // The ids are the Uniqueids of alice's channels; one page at a time.
  const first = await callLog(alice, { max: '1' });
  expect([first.complete, first.calls.map((c) => c.id)]).toEqual(['false', [page.calls[0]!.id]]);
  const second = await callLog(alice, { max: '1', before: first.calls[0]!.id });
  expect([second.complete, second.calls.map((c) => c.id)]).toEqual(['true', [page.calls[1]!.id]]);

  // bob's own log holds his missed call from alice, with her number; alice's is not his to read.
  const bobs = await callLog(bob);
  expect(bobs.calls.map(({ direction, number, answered }) => ({ direction, number, answered }))).toEqual([{ direction: 'incoming', number: '1001', answered: 'false' }]);
  expect(await iqFailure(bob, callsIq({ jid: 'alice@localhost' }))).toMatchObject({ condition: 'forbidden' });
  expect(await iqFailure(bob, callsIq({ max: '0' }))).toMatchObject({ condition: 'bad-request' });
  expect(await iqFailure(bob, callsIq({ before: page.calls[0]!.id }))).toMatchObject({ condition: 'item-not-found' });
  expect(await iqFailure(bob, xml('iq', { type: 'set', to: `phone.${w.domain}` }, xml('calls', { xmlns: NS })))).toMatchObject({ condition: 'bad-request' });

  // Admins see the same rows; the metrics count each written call once.
  const rows = await adminCalls('alice@localhost');
  expect(rows.map((r) => [r.id, r.direction, r.number, r.answered, r.device])).toEqual([
    [page.calls[0]!.id, 'outgoing', '1002', false, 'PJSIP/1001'],
    [page.calls[1]!.id, 'incoming', '+4930123456', true, 'PJSIP/1001'],
  ]);
  expect(await w.admin('GET', '/users/alice@localhost/calls?max=500')).toMatchObject({ status: 400, body: { error: { field: 'max' } } });
  const after = (await renderMetrics()).text;
  const delta = (outcome: string) => sample(after, `aim_call_log_rows_written_total{outcome="${outcome}"}`) - sample(before.text, `aim_call_log_rows_written_total{outcome="${outcome}"}`);
  expect([delta('answered'), delta('unanswered'), delta('missed')]).toEqual([1, 1, 1]);
  await alice.stop();
  await bob.stop();
});

test('a call missed while offline is told once at the next login; one missed while online is not', async () => {
  await eventually('alice has no session left', () => w.world.server.server.context.routes.resourcesOf('alice@localhost').length === 0);
  const known = (await adminCalls('alice@localhost')).length;
  const offline = await w.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await offline.cancel();
  await eventually('the missed call logged', async () => (await adminCalls('alice@localhost')).length === known + 1);
  const missed = (await adminCalls('alice@localhost'))[0]!;

  const alice = await w.online('alice', 'desk');
  const notice = await alice.waitFor((s) => s.is('message') && s.attrs.type === 'headline' && s.attrs.from === `phone.${w.domain}` && s.getChild('missed-call', NS) !== undefined, 5000, 'the missed-call notice');
  const when = String(missed.start).replace('T', ' ').slice(0, 16);
  expect(notice.getChildText('body')).toBe(`Missed call from Outside Caller (+4930123456) at ${when} UTC`);
  expect(notice.getChild('missed-call', NS)?.getChild('call')?.attrs).toMatchObject({ id: missed.id, direction: 'incoming', number: '+4930123456', answered: 'false' });

  // Missed while alice is online: her clients had the phone events, no notice is owed.
  const online = await w.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await online.cancel();
  await eventually('the second missed call logged', async () => (await adminCalls('alice@localhost')).length === known + 2);

  // A second login: the notice was told already, and the online miss owes none. Its ping answer
  // comes after anything the login would have been sent.
  const phone = await w.online('alice', 'phone');
  await roundTrip(phone, w.domain);
  await roundTrip(alice, w.domain);
  const notices = (c: TestClient) => c.received.filter((s) => s.is('message') && s.attrs.type === 'headline' && s.getChild('missed-call', NS));
  expect(notices(phone)).toHaveLength(0);
  expect(notices(alice)).toHaveLength(1);
  await phone.stop();
  await alice.stop();
});

test('the senior deletes calls past the retention when it is shortened', async () => {
  const DAY = 86_400_000;
  const log = new CallLogStore(w.world.server.server.db);
  const old = Date.now() - 40 * DAY;
  // A call from before the server ran, as an older senior left it in the table.
  await log.record({ callID: 'old.1', user: 'alice@localhost', device: 'PJSIP/1001', direction: 'incoming', otherNum: '1004', startedAt: old, answeredAt: old + 2000, endedAt: old + 60_000 }, false);
  const kept = (await adminCalls('alice@localhost')).map((c) => c.id);
  expect(kept).toContain('old.1');
  expect(await w.admin('PUT', '/settings', { callLogRetentionDays: 0 })).toMatchObject({ status: 400, body: { error: { field: 'callLogRetentionDays' } } });
  expect(await w.admin('PUT', '/settings', { callLogRetentionDays: 30 })).toMatchObject({ status: 200, body: { callLogRetentionDays: 30 } });
  await eventually('the old call pruned', async () => !(await adminCalls('alice@localhost')).some((c) => c.id === 'old.1'));
  expect((await adminCalls('alice@localhost')).map((c) => c.id)).toEqual(kept.filter((id) => id !== 'old.1'));
});
