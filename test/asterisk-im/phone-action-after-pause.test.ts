/**
 * A phone action that waited in the socket of a senior frozen past its lease (SIGSTOP) runs on
 * the new senior once the old one wakes: the woken node does not yet know who took over, asks
 * Redis, and hands the action on, instead of failing with no-senior.
 */
import { xml } from '../support/xmpp-client';
import { hostMonotonicMs, seniorityHistory } from '../support/cluster-harness';
import { AMI_USER, PhoneCluster } from './phone-cluster';
import { phoneAction } from './phone-steps';

const LEASE_MS = 1000;

let pc: PhoneCluster | undefined;
afterEach(async () => {
  await pc?.stop();
  pc = undefined;
}, 30000);

test('a DIAL queued while the senior was paused is originated by the new senior right after the old one wakes', async () => {
  pc = await PhoneCluster.start({ leaseMs: LEASE_MS });
  const paused = await pc.waitForSenior();
  const alice = await pc.online(paused, 'alice', 'desk');
  pc.sim.resetRecords();

  const pausedAt = hostMonotonicMs();
  paused.signal('SIGSTOP');
  const answer = alice.iq(phoneAction('DIAL', xml('extension', {}, '1002')), 20000);
  // The frozen node cannot log that it lost the lease: wait for another node marked senior since.
  const newSenior = () => seniorityHistory(pc!.nodes.filter((n) => n !== paused)).some((line) => line.event === 'markedSenior' && (line.monotonicMs as number) > pausedAt);
  await pc.untilTrue(newSenior, 'another node marked senior', 10000);
  // The new senior has its own AMI session (the frozen node's socket is still open, so two).
  await pc.untilTrue(() => pc!.sim.loggedInSessions(AMI_USER.username) === 2, 'the new senior logged in to Asterisk', 10000);
  paused.signal('SIGCONT');

  // A failure shows the error stanza (no-senior used to come back as undefined-condition).
  const result = await answer.catch((err: { element?: unknown }) => {
    throw new Error(`the phone action failed: ${String(err.element)}`);
  });
  expect(result.attrs.type).toBe('result');
  const originates = pc.sim.actions().filter((a) => a.action.toLowerCase() === 'originate');
  expect(originates).toHaveLength(1);
  const headers = new Map(originates[0]!.headers.map(([k, v]) => [k.toLowerCase(), v]));
  expect(headers.get('channel')).toBe('PJSIP/1001');
  expect(headers.get('exten')).toBe('1002');
  // Sent over the new senior's AMI session, not the woken node's.
  const byConnection = pc.sim.connections().find((c) => c.id === originates[0]!.connectionId);
  expect(byConnection?.closedAt).toBeNull();
}, 60000);
