/**
 * The phone state across a change of whoever listens to Asterisk, in a cluster of three real
 * node processes: the senior SIGKILLed mid-call, the PBX restarted mid-call, Redis losing every
 * key mid-call. alice (on the phone, with a status trapped) and her contact bob are on the two
 * nodes that do not hold the AMI link. Whatever happens in between, bob sees "On the phone"
 * once and then, after the hang-up, what alice set, once; and alice gets each phone event once.
 */
import type { Element } from 'ltx';
import { PrivateRedisServer } from '../../server-core/testing/redis';
import type { ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { mutualSubscription } from '../cluster/cluster-steps';
import { AMI_USER, PhoneCluster } from './phone-cluster';
import { isPhonePresence, mark, notPhone, phoneEvent, presenceFrom, settle } from './phone-steps';

const LEASE_MS = 1000;
const PHONE_EVENTS = ['RING', 'ON_PHONE', 'HANG_UP'];

let pc: PhoneCluster | undefined;
let redis: PrivateRedisServer | undefined;
afterEach(async () => {
  await pc?.stop();
  await redis?.stop();
  pc = undefined;
  redis = undefined;
}, 30000);

type Call = Awaited<ReturnType<PhoneCluster['sim']['calls']['dial']>>;
const lunch = (s: Element): boolean => notPhone(s) && s.getChildText('show') === 'xa' && s.getChildText('status') === 'lunch';

interface World {
  alice: TestClient;
  bob: TestClient;
  call: Call;
  /** Everything bob and alice received from the start of the call. */
  bobSeen: ReturnType<typeof mark>;
  aliceSeen: ReturnType<typeof mark>;
}

/** alice on one junior, bob on the other; alice's incoming call answered, and "lunch" set (and trapped) during it. */
async function aliceOnTheTrappedPhone(cluster: PhoneCluster): Promise<World> {
  await cluster.waitForSenior();
  const [juniorA, juniorB] = cluster.juniors();
  const alice = await cluster.online(juniorA!, 'alice', 'desk');
  const bob = await cluster.online(juniorB!, 'bob', 'pc');
  await mutualSubscription(alice, bob);
  await settle(bob);
  const bobSeen = mark(bob);
  const aliceSeen = mark(alice);
  const call = await cluster.sim.calls.dial('PJSIP/1004', '1001', { callerIdNum: '1004' });
  await aliceSeen.next(phoneEvent('RING'), 'RING', 5000);
  await call.answer();
  await bobSeen.next(presenceFrom(alice, isPhonePresence), 'the phone presence of alice', 5000);
  await aliceSeen.next(phoneEvent('ON_PHONE'), 'ON_PHONE', 5000);
  await alice.send(xml('presence', {}, xml('show', {}, 'xa'), xml('status', {}, 'lunch')));
  await settle(alice);
  return { alice, bob, call, bobSeen, aliceSeen };
}

/** Until some node logged `calls resynced` after the log lines it had when `before` was taken. */
const resynced = (cluster: PhoneCluster, before: Map<ClusterNode, number>) =>
  cluster.untilTrue(() => cluster.nodes.some((n) => n.logs.slice(before.get(n) ?? 0).some((l) => l.msg === 'calls resynced')), 'the calls resynced', 15000);
const logMarks = (cluster: PhoneCluster) => new Map(cluster.nodes.map((n) => [n, n.logs.length]));

/**
 * Hangs up, waits for the end of the call to reach both, then passes a message each way: what
 * any node sent either of them before is in once those are back.
 */
async function hangUpAndCount(world: World): Promise<void> {
  const { alice, bob, call, bobSeen, aliceSeen } = world;
  await call.hangup('caller');
  await bobSeen.next(presenceFrom(alice, lunch), 'the presence alice set during the call', 10000);
  await aliceSeen.next(phoneEvent('HANG_UP'), 'HANG_UP', 10000);
  await alice.send(xml('message', { to: 'bob@localhost', type: 'chat' }, xml('body', {}, 'marker to bob')));
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'marker to alice')));
  await bob.waitFor((s) => s.is('message') && s.getChildText('body') === 'marker to bob', 5000, 'the marker to bob');
  await alice.waitFor((s) => s.is('message') && s.getChildText('body') === 'marker to alice', 5000, 'the marker to alice');
  await Promise.all([settle(alice), settle(bob)]);

  const fromAlice = bobSeen.since(presenceFrom(alice));
  const described = fromAlice.map((s) => (isPhonePresence(s) ? 'phone' : `${s.getChildText('show') ?? 'available'}/${s.getChildText('status') ?? ''}`));
  expect(described).toEqual(['phone', 'xa/lunch']);
  const events = aliceSeen.since((s) => PHONE_EVENTS.some((type) => phoneEvent(type)(s)));
  expect(events.map((s) => s.getChild('phone-event')!.attrs.type)).toEqual(PHONE_EVENTS);
  expect(pc!.sim.maxConcurrentSessions(AMI_USER.username)).toBe(1);
}

test('the senior SIGKILLed mid-call: bob sees no flicker, alice gets each phone event once', async () => {
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS });
  const world = await aliceOnTheTrappedPhone(pc);
  const senior = await pc.waitForSenior();
  const before = logMarks(pc);

  senior.signal('SIGKILL');
  await senior.exited;
  await pc.waitForSenior(senior);
  await resynced(pc, before);

  await hangUpAndCount(world);
}, 90000);

test('the PBX restarted mid-call (the call goes on after it): bob sees no flicker, alice gets each phone event once', async () => {
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS });
  const world = await aliceOnTheTrappedPhone(pc);
  const before = logMarks(pc);

  // A restart as the link sees it: the socket closes, then a fresh login greeted by FullyBooted.
  pc.sim.dropAllConnections();
  await resynced(pc, before);

  await hangUpAndCount(world);
}, 90000);

test('Redis restarted mid-call, losing every key: bob sees no flicker, alice gets each phone event once', async () => {
  redis = await PrivateRedisServer.start();
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS, redis: redis.endpoint });
  const world = await aliceOnTheTrappedPhone(pc);
  const before = logMarks(pc);

  await redis.stop();
  await redis.restart();
  await resynced(pc, before);
  await pc.untilTrue(() => pc!.sim.loggedInSessions(AMI_USER.username) === 1, 'one AMI session', 15000);

  await hangUpAndCount(world);
}, 90000);
