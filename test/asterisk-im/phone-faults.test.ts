/**
 * Asterisk-IM faults in a cluster of three real node processes: the senior killed mid-call,
 * and Redis restarted (losing every key) mid-call. After each, the call's end must reach
 * every contact: nobody stays "On the phone", and a status set during the call is shown.
 */
import { PrivateRedisServer } from '../../server-core/testing/redis';
import { hostMonotonicMs } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { mutualSubscription } from '../cluster/cluster-steps';
import { AMI_USER, PhoneCluster } from './phone-cluster';
import { isPhonePresence, lastPresence, mark, notPhone, passMarker, presenceFrom, settle } from './phone-steps';

const LEASE_MS = 1000;

let pc: PhoneCluster | undefined;
let redis: PrivateRedisServer | undefined;
afterEach(async () => {
  await pc?.stop();
  await redis?.stop();
  pc = undefined;
  redis = undefined;
}, 30000);

/** alice on one junior, her contact bob on the other, friends; alice's call answered and seen by bob; alice sets dnd meanwhile. */
async function aliceOnTheTrappedPhone(cluster: PhoneCluster): Promise<{ alice: TestClient; bob: TestClient; call: Awaited<ReturnType<PhoneCluster['sim']['calls']['dial']>> }> {
  await cluster.waitForSenior();
  const [juniorA, juniorB] = cluster.juniors();
  const alice = await cluster.online(juniorA!, 'alice', 'desk');
  const bob = await cluster.online(juniorB!, 'bob', 'pc');
  await mutualSubscription(alice, bob);
  const seen = mark(bob);
  const call = await cluster.sim.calls.dial('PJSIP/1004', '1001');
  await call.answer();
  await seen.next(presenceFrom(alice, isPhonePresence), 'the phone presence of alice', 5000);
  await alice.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Busy writing')));
  await settle(alice);
  return { alice, bob, call };
}

const restoredDnd = (s: Parameters<typeof notPhone>[0]) => notPhone(s) && s.getChildText('show') === 'dnd' && s.getChildText('status') === 'Busy writing';

test('the senior killed mid-call: another node takes the AMI link within the lease, and the hang-up meanwhile restores presence', async () => {
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS });
  const { alice, bob, call } = await aliceOnTheTrappedPhone(pc);
  const senior = await pc.waitForSenior();
  const seen = mark(bob);

  const killedAt = hostMonotonicMs();
  senior.signal('SIGKILL');
  await senior.exited;
  await call.hangup('caller');
  await pc.untilTrue(() => pc!.sim.loggedInSessions(AMI_USER.username) === 0, 'the killed senior\'s AMI session closed', 5000);
  await pc.untilTrue(() => pc!.sim.loggedInSessions(AMI_USER.username) === 1, 'a new AMI session', 10000);
  const takenAfterMs = hostMonotonicMs() - killedAt;
  const next = await pc.waitForSenior(senior);
  expect(next).not.toBe(senior);
  // The lease lapses at most one lease after the kill, the others try every lease/3; then login and resync.
  expect(takenAfterMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 1000);

  await seen.next(presenceFrom(alice, restoredDnd), 'the presence alice set during the call', 5000);
  await passMarker(alice, bob);
  expect(restoredDnd(lastPresence(bob, alice)!)).toBe(true);
  expect(pc.sim.maxConcurrentSessions(AMI_USER.username)).toBe(1);
}, 90000);

test('Redis restarted mid-call, losing every key: the call\'s end still restores presence', async () => {
  redis = await PrivateRedisServer.start();
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS, redis: redis.endpoint });
  const { alice, bob, call } = await aliceOnTheTrappedPhone(pc);
  const seen = mark(bob);

  await redis.stop();
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
  await call.hangup('caller');
  await redis.restart();

  await seen.next(presenceFrom(alice, restoredDnd), 'the presence alice set during the call', 15000).catch((err: Error) => {
    // Name the cluster fault when it is the cause: alice's live session was taken for lost.
    const fenced = pc!.nodes.flatMap((n) => n.logs.filter((l) => l.event === 'sessionFenced').map((l) => `${n.id}: ${String(l.jid)} by ${String(l.by)}`));
    throw fenced.length > 0 ? new Error(`${err.message}; the new senior purged live sessions of a node that had not heartbeated into the restarted Redis yet (${fenced.join(', ')})`) : err;
  });
  await pc.untilTrue(() => pc!.sim.loggedInSessions(AMI_USER.username) === 1, 'one AMI session', 10000);
  // Only the last writer of a phone state puts it back into the emptied Redis, and a node that
  // finds one gone waits a second for that; a writer slower than that can still show the call
  // again for a moment before the senior's resync ends it: what matters is how it ends.
  await pc.untilTrue(() => restoredDnd(lastPresence(bob, alice)!), 'bob last sees the presence alice set', 10000);
  await passMarker(alice, bob);
  expect(restoredDnd(lastPresence(bob, alice)!)).toBe(true);
  expect(pc.sim.maxConcurrentSessions(AMI_USER.username)).toBe(1);

  // The cluster works on: the next call shows and ends as usual.
  const again = mark(bob);
  const second = await pc.sim.calls.dial('PJSIP/1004', '1001');
  await second.answer();
  await again.next(presenceFrom(alice, isPhonePresence), 'the phone presence of the next call', 5000);
  await second.hangup('caller');
  await again.next(presenceFrom(alice, restoredDnd), 'alice back after the next call', 5000);
}, 90000);
