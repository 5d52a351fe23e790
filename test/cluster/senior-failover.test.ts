import { hostMonotonicMs, seniorityIntervals, TestCluster, type ClusterNode } from '../support/cluster-harness';
import type { TestClient } from '../support/xmpp-client';
import { mutualSubscription, online, passMarker, stopAll } from './cluster-steps';
import { eventually } from '../../server-core/testing/eventually';

const LEASE_MS = 1000;

/** The node whose latest seniority log line is markedSenior. */
function currentSenior(nodes: ClusterNode[]): ClusterNode | undefined {
  return nodes.find((node) => {
    const last = [...node.logs].reverse().find((l) => l.event === 'markedSenior' || l.event === 'lostSeniority');
    return node.running && last?.event === 'markedSenior';
  });
}

async function waitForSenior(nodes: ClusterNode[], exclude: ClusterNode | undefined, timeoutMs: number): Promise<ClusterNode> {
  let senior: ClusterNode | undefined;
  await eventually('a senior among the nodes', () => (senior = currentSenior(nodes.filter((n) => n !== exclude))) !== undefined, timeoutMs);
  return senior!;
}

/** No two fencing tokens were ever held at once, and tokens grow with time. */
function expectOneSeniorAtATime(nodes: ClusterNode[]): void {
  const intervals = seniorityIntervals(nodes, hostMonotonicMs());
  for (let i = 1; i < intervals.length; i++) {
    expect(intervals[i].token).toBeGreaterThan(intervals[i - 1].token);
    expect(intervals[i].from).toBeGreaterThanOrEqual(intervals[i - 1].until);
  }
}

describe('seniority across node processes', () => {
  let cluster: TestCluster;
  const clients: TestClient[] = [];
  beforeEach(() => {
    cluster = new TestCluster({ leaseMs: LEASE_MS });
  });
  afterEach(async () => {
    await stopAll(clients.splice(0));
    await cluster.stop();
  });

  it('a killed senior is replaced within the lease, and its users contacts get exactly one unavailable each', async () => {
    const nodes = await cluster.start('a', 'b', 'c');
    const senior = await waitForSenior(nodes, undefined, 5000);
    const [other1, other2] = nodes.filter((n) => n !== senior);
    await cluster.createUsers('erin', 'frank', 'gina');
    const erin = await online(senior, 'erin', 'desk');
    const frank = await online(other1, 'frank', 'pc');
    const gina = await online(other2, 'gina', 'pc');
    clients.push(erin, frank, gina);
    await mutualSubscription(erin, frank);
    await mutualSubscription(erin, gina);

    const killedAt = hostMonotonicMs();
    senior.signal('SIGKILL');
    await senior.exited;
    const next = await waitForSenior(nodes, senior, 5000);
    const gained = next.logs.find((l) => l.event === 'markedSenior' && (l.monotonicMs as number) > killedAt)!;
    // Renewals go out every lease/3, so the lease in Redis lapses at most one lease after the kill; the others try every lease/3.
    expect((gained.monotonicMs as number) - killedAt).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 500);

    const unavailable = (s: { is(n: string): boolean; attrs: Record<string, unknown> }) => s.is('presence') && s.attrs.from === erin.jid && s.attrs.type === 'unavailable';
    await frank.waitFor(unavailable, 10000, 'the unavailable presence of the lost resource');
    await gina.waitFor(unavailable, 10000, 'the unavailable presence of the lost resource');
    // The new senior is done with the loss (a later sweep finds nothing to announce), and a message
    // each way between the survivors has passed every path an unavailable presence could take.
    await next.waitForLog((l) => l.event === 'lostNodesPurged' && (l.lostNodes as string[]).includes(senior.id), 10000, 'the lost node purged');
    await passMarker(frank, gina);
    await passMarker(gina, frank);
    expect(frank.received.filter(unavailable)).toHaveLength(1);
    expect(gina.received.filter(unavailable)).toHaveLength(1);
    expect(next.logs.some((l) => l.event === 'seniorAction' && l.lostNode === senior.id)).toBe(true);
    expect(nodes.filter((n) => n !== next).some((n) => n.logs.some((l) => l.event === 'seniorAction'))).toBe(false);
    expectOneSeniorAtATime(nodes);
  }, 90000);

  it('a senior stopped past its lease no longer acts as senior when it wakes', async () => {
    const nodes = await cluster.start('a', 'b', 'c');
    const senior = await waitForSenior(nodes, undefined, 5000);
    const heldToken = senior.logs.filter((l) => l.event === 'markedSenior').pop()!.fencingToken as number;

    senior.signal('SIGSTOP');
    const next = await waitForSenior(nodes, senior, 5000);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    senior.signal('SIGCONT');
    const lost = await senior.waitForLog((l) => l.event === 'lostSeniority' && l.fencingToken === heldToken, 5000, 'lostSeniority after waking');
    // A login on the woken node goes through many turns of its event loop: whatever it had queued
    // when it woke has run by the time the session is bound.
    await cluster.createUsers('erin');
    clients.push(await online(senior, 'erin', 'probe'));

    const gained = next.logs.filter((l) => l.event === 'markedSenior').pop()!;
    expect(gained.fencingToken as number).toBeGreaterThan(heldToken);
    // Its own monotonic deadline ended its seniority before anyone else was marked senior.
    expect(lost.seniorUntilMonotonicMs as number).toBeLessThanOrEqual(gained.monotonicMs as number);
    const actedAfter = senior.logs.filter((l) => l.event === 'seniorAction' && (l.monotonicMs as number) > (lost.seniorUntilMonotonicMs as number));
    expect(actedAfter).toEqual([]);
    expect(currentSenior(nodes)).toBe(next);
    expectOneSeniorAtATime(nodes);
  }, 90000);
});
