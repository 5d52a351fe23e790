/**
 * The call log in a cluster of three real node processes on PostgreSQL: a call answered under
 * one senior and hung up after it was SIGKILLed is one row, with the start and answer times the
 * first senior saw; a user coming online on two nodes at once is told of a missed call once.
 */
import type { Element } from 'ltx';
import { eventually } from '../../server-core/testing/eventually';
import type { ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { PhoneCluster } from './phone-cluster';
import { DOMAIN, mark, phoneEvent, settle } from './phone-steps';

const NS = 'urn:asterisk-im:call-log:0';
const OUTSIDE = { callerIdNum: '+4930123456', callerIdName: 'Outside Caller' };

let pc: PhoneCluster | undefined;
afterEach(async () => {
  await pc?.stop();
  pc = undefined;
}, 30000);

async function callsOf(client: TestClient): Promise<Array<Record<string, string>>> {
  const answer = await client.iq(xml('iq', { type: 'get', to: `phone.${DOMAIN}` }, xml('calls', { xmlns: NS })));
  return answer.getChild('calls', NS)!.getChildren('call').map((c) => ({ ...c.attrs }) as Record<string, string>);
}

const notices = (client: TestClient): Element[] => client.received.filter((s) => s.is('message') && s.attrs.type === 'headline' && s.getChild('missed-call', NS) !== undefined);

test('a call answered under one senior and ended after it was SIGKILLed is logged once, with its first start', async () => {
  pc = await PhoneCluster.start({ leaseMs: 1000 });
  const senior = await pc.waitForSenior();
  const [junior] = pc.juniors();
  const alice = await pc.online(junior!, 'alice', 'desk');
  const seen = mark(alice);
  const call = await pc.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await seen.next(phoneEvent('RING'), 'RING', 5000);
  const startedBy = Date.now();
  await call.answer();
  await seen.next(phoneEvent('ON_PHONE'), 'ON_PHONE', 5000);
  const answeredBy = Date.now();

  senior.signal('SIGKILL');
  await senior.exited;
  await pc.waitForSenior(senior);
  await call.hangup('caller');
  await seen.next(phoneEvent('HANG_UP'), 'HANG_UP', 10000);
  await pc.untilTrue(() => pc!.nodes.some((n) => n.running && n.logs.some((l) => l.msg === 'calls resynced')), 'the new senior resynced', 10000);

  let calls: Array<Record<string, string>> = [];
  await eventually('the call logged', async () => (calls = await callsOf(alice)).length > 0, { timeoutMs: 10000 });
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ direction: 'incoming', number: '+4930123456', name: 'Outside Caller', answered: 'true' });
  // The start is the one the killed senior saw (before the answer), not the new senior's first sight of the call.
  expect(Date.parse(calls[0]!.start!)).toBeLessThanOrEqual(startedBy);
  expect(Date.parse(calls[0]!.start!)).toBeGreaterThan(startedBy - 5000);
  expect(Number(calls[0]!.duration)).toBeLessThanOrEqual(Math.ceil((Date.now() - answeredBy) / 1000) + 1);

  // A second call under the new senior: two rows, the first unchanged.
  const next = await pc.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await next.cancel();
  await eventually('the second call logged', async () => (calls = await callsOf(alice)).length >= 2, { timeoutMs: 10000 });
  expect(calls.map((c) => c.answered)).toEqual(['false', 'true']);
  expect(calls[1]).toEqual((await callsOf(alice))[1]);
}, 90000);

test('a missed call while offline is told once when alice comes online on two nodes at once', async () => {
  pc = await PhoneCluster.start({ leaseMs: 1000, settings: { missedCallMessages: true } });
  await pc.waitForSenior();
  const call = await pc.sim.calls.dial('PJSIP/1004', '1001', OUTSIDE);
  await call.cancel();
  await pc.untilTrue(() => pc!.nodes.some((n) => n.logs.some((l) => l.msg === 'missed call kept for a notice at the next login')), 'the missed call kept for a notice', 10000);

  const [b, c] = pc.juniors() as [ClusterNode, ClusterNode];
  const marks = new Map(pc.nodes.map((n) => [n, n.logs.length]));
  const [onB, onC] = await Promise.all([pc.online(b, 'alice', 'desk'), pc.online(c, 'alice', 'phone')]);
  // Both nodes checked their login's notices: one told it, the other found it claimed (or gone).
  const checked = () => pc!.nodes.flatMap((n) => n.logs.slice(marks.get(n)).filter((l) => l.msg === 'missed-call notices checked'));
  await pc.untilTrue(() => checked().length === 2, 'both logins checked their notices', 10000);
  expect(checked().map((l) => l.told).sort()).toEqual([0, 1]);
  await Promise.all([settle(onB), settle(onC)]);
  const told = [...notices(onB), ...notices(onC)];
  expect(told).toHaveLength(1);
  expect(told[0]!.getChildText('body')).toMatch(/^Missed call from Outside Caller \(\+4930123456\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
}, 90000);
