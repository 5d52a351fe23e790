/**
 * Multi-user chat in a cluster of three server processes on Redis and PostgreSQL: occupants on
 * every node share one room (its state on the senior, the others forwarding to it). A node
 * SIGKILLed while the room is busy: the survivors see its occupant leave exactly once and every
 * message of the survivors arrives once at each of them. Then the senior itself dies: the next
 * senior carries the room on from the replicated copy, and the room's archive in PostgreSQL
 * holds every message once, and a newcomer gets the history the dead owner left. The senior SIGKILLed while occupants on the other two nodes talk:
 * what was forwarded to it and not acknowledged goes to the next senior, and every survivor has
 * every survivor's message exactly once. A forwarded stanza that reaches a senior twice (also
 * the next senior, after a takeover) is handled once, and a node holds only so many stanzas
 * that no senior acknowledged.
 */
import type { Element } from 'ltx';
import { RedisCluster } from '../../server-core/src/cluster/redis/redis-cluster';
import { createRoom, groupchat, join, MUC_USER_NS, subjectOf } from '../../server-core/testing/muc-steps';
import { errorCondition } from '../../server-core/testing/world';
import { eventually } from '../../server-core/testing/eventually';
import { TEST_REDIS } from '../../server-core/testing/redis';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { online, stopAll } from './cluster-steps';

const ROOM = 'ops@conference.localhost';
const MESSAGES = 40;
const FORWARD_TOPIC = 'plugin.muc.stanza';
const ACK_TOPIC = 'plugin.muc.stanza-ack';

const leftRoom = (nick: string) => (s: Element) => s.is('presence') && s.attrs.from === `${ROOM}/${nick}` && s.attrs.type === 'unavailable';
const groupchatsFrom = (client: TestClient, nick: string) =>
  client.received.filter((s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${ROOM}/${nick}` && !s.getChild('delay'));
const bodiesFrom = (client: TestClient, nick: string) => groupchatsFrom(client, nick).map((s) => s.getChildText('body'));
const idsFrom = (client: TestClient, nick: string) => groupchatsFrom(client, nick).map((s) => s.attrs.id as string);
const hasBody = (body: string) => (s: Element) => s.is('message') && s.getChildText('body') === body;
const seniorOf = (nodes: ClusterNode[]) => nodes.find((n) => n.logs.some((l) => l.event === 'markedSenior'));

/**
 * Three nodes and one persistent room: alice (the owner) on the senior, bob and carol on the
 * other two nodes, everyone seeing everyone inside.
 */
async function roomOnThreeNodes(cluster: TestCluster, clients: TestClient[]) {
  const nodes = await cluster.start('a', 'b', 'c');
  await cluster.createUsers('alice', 'bob', 'carol', 'dave');
  await eventually('a senior', () => seniorOf(nodes) !== undefined, 20000);
  const senior = seniorOf(nodes)!;
  const others = nodes.filter((n) => n !== senior) as [ClusterNode, ClusterNode];
  const alice = await online(senior, 'alice', 'desk');
  const bob = await online(others[0], 'bob', 'laptop');
  const carol = await online(others[1], 'carol', 'phone');
  clients.push(alice, bob, carol);
  // Persistent: its configuration, history and archive go to PostgreSQL.
  await createRoom(alice, ROOM, 'Alice', { persistentroom: '1' });
  await join(bob, ROOM, 'Bob');
  await join(carol, ROOM, 'Carol');
  await alice.waitFor((s) => s.is('presence') && s.attrs.from === `${ROOM}/Carol`, 5000, 'carol in the room at alice');
  await bob.waitFor((s) => s.is('presence') && s.attrs.from === `${ROOM}/Carol`, 5000, 'carol in the room at bob');
  return { nodes, senior, others, alice, bob, carol };
}

/**
 * A cluster member of the test itself that speaks the module's forwarding protocol: it sends
 * forwarded stanzas with ids of its choosing and counts the acknowledgements. It never competes
 * for seniority.
 */
async function forwardingProbe(cluster: TestCluster) {
  const node = new RedisCluster({ nodeId: 'probe', namespace: cluster.namespace, redis: TEST_REDIS });
  await node.start();
  await node.handOverSeniority();
  const acks: string[] = [];
  node.onMessage(ACK_TOPIC, (payload) => acks.push(...(JSON.parse(payload) as { ids: string[] }).ids));
  return {
    acks: (id: string) => acks.filter((a) => a === id).length,
    /** A groupchat message `from` (an occupant's full JID) to the room, forwarded with `id`. */
    forward(to: ClusterNode, id: string, from: string, body: string) {
      const stanza = groupchat(ROOM, body, body);
      stanza.attrs.from = from;
      node.send(to.id, FORWARD_TOPIC, JSON.stringify({ id, from, to: ROOM, xml: stanza.toString() }));
    },
    stop: () => node.stop(),
  };
}

describe('multi-user chat across cluster nodes', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('keeps one room across nodes through the loss of a node and of the senior', async () => {
    const { senior, others, alice, bob, carol } = await roomOnThreeNodes(cluster, clients);

    // Alice and bob talk without pause; carol's node is killed in the middle of it.
    const talk = async (client: TestClient, who: string) => {
      for (let n = 0; n < MESSAGES; n++) {
        await client.send(groupchat(ROOM, `${who}-${n}`, `${who}-${n}`));
        if (who === 'bob' && n === MESSAGES / 4) others[1].signal('SIGKILL');
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([talk(alice, 'alice'), talk(bob, 'bob')]);
    await others[1].exited;

    const expected = (who: string) => Array.from({ length: MESSAGES }, (_, n) => `${who}-${n}`);
    for (const [client, name] of [[alice, 'alice'], [bob, 'bob']] as const) {
      await eventually(`every message at ${name}`, () => bodiesFrom(client, 'Alice').length >= MESSAGES && bodiesFrom(client, 'Bob').length >= MESSAGES, 20000);
      await client.waitFor(leftRoom('Carol'), 30000, `carol leaving at ${name}`);
    }
    // A marker after carol left: everything before it has arrived, so the counts are final.
    await alice.send(groupchat(ROOM, 'marker-1'));
    for (const client of [alice, bob]) await client.waitFor((s) => s.getChildText('body') === 'marker-1', 10000, 'the first marker');
    for (const client of [alice, bob]) {
      expect(bodiesFrom(client, 'Alice').filter((b) => b !== 'marker-1')).toEqual(expected('alice'));
      expect(bodiesFrom(client, 'Bob')).toEqual(expected('bob'));
      expect(client.received.filter(leftRoom('Carol'))).toHaveLength(1);
      const left = client.received.find(leftRoom('Carol'))!;
      expect(left.getChild('x', MUC_USER_NS)?.getChild('item')?.attrs.role).toBe('none');
    }

    // The senior dies: the next one (bob's node) carries the room on from the replicated copy.
    senior.signal('SIGKILL');
    await senior.exited;
    await bob.waitFor(leftRoom('Alice'), 30000, 'alice leaving at bob');
    await eventually('a new senior', () => others[0].logs.some((l) => l.event === 'markedSenior'), 20000);
    await bob.send(groupchat(ROOM, 'marker-2'));
    await bob.waitFor((s) => s.getChildText('body') === 'marker-2', 10000, 'the second marker');
    expect(bob.received.filter(leftRoom('Alice'))).toHaveLength(1);
    expect(bob.received.filter(leftRoom('Carol'))).toHaveLength(1);

    // The room's archive, written by both owners in turn, holds every message once.
    const MAM = 'urn:xmpp:mam:2';
    await bob.iq(xml('iq', { type: 'set', to: ROOM }, xml('query', { xmlns: MAM, queryid: 'all' }, xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('max', {}, '100')))));
    const archived = bob.received.filter((s) => s.getChild('result', MAM)?.attrs.queryid === 'all');
    const archivedBodies = archived.map((s) => s.getChild('result', MAM)!.getChild('forwarded')!.getChild('message')!.getChildText('body')!);
    const survivorsBodies = archivedBodies.filter((b) => b.startsWith('alice-') || b.startsWith('bob-'));
    expect(survivorsBodies.filter((b) => b.startsWith('alice-'))).toEqual(expected('alice'));
    expect(survivorsBodies.filter((b) => b.startsWith('bob-'))).toEqual(expected('bob'));
    expect(archivedBodies.slice(-2)).toEqual(['marker-1', 'marker-2']);
    expect(new Set(archived.map((s) => s.getChild('result', MAM)!.attrs.id)).size).toBe(archived.length);

    // The history came along too (the new owner reads the replicated copy, not SQL): a newcomer
    // gets the message the dead owner handled last, then the one after.
    const dave = await online(others[0], 'dave', 'tablet');
    clients.push(dave);
    await join(dave, ROOM, 'Dave', { history: { maxstanzas: '2' } });
    await dave.waitFor(subjectOf(ROOM), 5000, 'the subject after the history');
    expect(dave.received.filter((s) => s.is('message') && s.getChild('delay')).map((s) => s.getChildText('body'))).toEqual(['marker-1', 'marker-2']);
    console.log(`muc cluster: ${MESSAGES * 2} messages once each at both survivors through a SIGKILL; the room survived its owner's death; ${archived.length} messages archived once each`);
  }, 120000);
});

describe('multi-user chat through the death of a busy senior', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  let probe: Awaited<ReturnType<typeof forwardingProbe>> | undefined;
  afterAll(async () => {
    await probe?.stop();
    await stopAll(clients);
    await cluster.stop();
  });

  it('gives every survivor every survivor message exactly once, those in flight at the kill included', async () => {
    const { senior, others, bob, carol } = await roomOnThreeNodes(cluster, clients);
    probe = await forwardingProbe(cluster);
    // A stanza the senior handled and acknowledged, to be sent again to its successor below.
    probe.forward(senior, 'probe.1.1', bob.jid, 'probe-once');
    await eventually('the senior acknowledging the probe', () => probe!.acks('probe.1.1') === 1, 10000);
    await carol.waitFor(hasBody('probe-once'), 5000, 'the probe message at carol');

    // Bob and carol talk on the two nodes that are not senior: the first half as fast as they
    // can (a backlog at the senior when it dies), the rest spread over the takeover.
    const TOTAL = 80;
    const talk = async (client: TestClient, who: string) => {
      for (let n = 0; n < TOTAL; n++) {
        await client.send(groupchat(ROOM, `${who}-${n}`, `${who}-${n}`));
        if (who === 'bob' && n === 20) senior.signal('SIGKILL');
        await new Promise((resolve) => (n < TOTAL / 2 ? setImmediate(resolve) : setTimeout(resolve, 40)));
      }
    };
    await Promise.all([talk(bob, 'bob'), talk(carol, 'carol')]);
    await senior.exited;
    await eventually('a new senior', () => seniorOf(others) !== undefined, 20000);
    const successor = seniorOf(others)!;

    const expected = (who: string) => Array.from({ length: TOTAL }, (_, n) => `${who}-${n}`);
    for (const [client, name] of [[bob, 'bob'], [carol, 'carol']] as const) {
      await eventually(`every message at ${name}`, () => idsFrom(client, 'Bob').length >= TOTAL && idsFrom(client, 'Carol').length >= TOTAL, 30000);
    }
    // The successor gets the probe's stanza again: acknowledged, not handled a second time.
    probe.forward(successor, 'probe.1.1', bob.jid, 'probe-once');
    await eventually('the successor acknowledging the probe again', () => probe!.acks('probe.1.1') === 2, 10000);
    // A marker through the new senior: whatever it was to send before has arrived.
    await bob.send(groupchat(ROOM, 'marker', 'marker'));
    for (const client of [bob, carol]) await client.waitFor(hasBody('marker'), 10000, 'the marker');

    for (const client of [bob, carol]) {
      expect(idsFrom(client, 'Bob').filter((id) => id !== 'marker' && id !== 'probe-once')).toEqual(expected('bob'));
      expect(idsFrom(client, 'Carol')).toEqual(expected('carol'));
      expect(bodiesFrom(client, 'Bob').filter((b) => b === 'probe-once')).toHaveLength(1);
    }
    // Stanzas were in flight at the kill: the survivors sent them again (or the successor took them over).
    const carried = others.flatMap((n) => n.logs).filter((l) => l.msg === 'unacknowledged MUC stanzas sent again').reduce((sum, l) => sum + Number(l.resent), 0);
    expect(carried).toBeGreaterThan(0);
    console.log(`muc senior kill: ${TOTAL * 2} messages of two survivors once each at both; ${carried} resends of stanzas left unacknowledged (successor ${successor.id})`);
  }, 180000);
});

describe('multi-user chat forwarding: one handling per stanza, a bounded outbox', () => {
  // A long lease: the senior paused below keeps its seniority.
  const cluster = new TestCluster({ leaseMs: 3000, config: { modules: { muc: { config: { forwardOutboxLimit: 3 } } } } });
  const clients: TestClient[] = [];
  let probe: Awaited<ReturnType<typeof forwardingProbe>> | undefined;
  afterAll(async () => {
    await probe?.stop();
    await stopAll(clients);
    await cluster.stop();
  });

  it('handles a stanza forwarded twice once and refuses what exceeds the outbox', async () => {
    const { senior, others, bob, carol } = await roomOnThreeNodes(cluster, clients);
    const bobNode = others[0];
    probe = await forwardingProbe(cluster);

    // Two copies back to back (the second arrives while the first is handled), a third once it is acknowledged.
    probe.forward(senior, 'probe.2.1', bob.jid, 'twice');
    probe.forward(senior, 'probe.2.1', bob.jid, 'twice');
    await eventually('the first acknowledgement', () => probe!.acks('probe.2.1') >= 1, 10000);
    probe.forward(senior, 'probe.2.1', bob.jid, 'twice');
    // A different stanza after them: handled after every copy was seen, so it is the marker.
    probe.forward(senior, 'probe.2.2', bob.jid, 'after-twice');
    await eventually('the acknowledgement of the next stanza', () => probe!.acks('probe.2.2') === 1, 10000);
    for (const client of [bob, carol]) await client.waitFor(hasBody('after-twice'), 5000, 'the stanza after the copies');
    expect(probe.acks('probe.2.1')).toBeGreaterThanOrEqual(2);
    for (const client of [bob, carol]) expect(bodiesFrom(client, 'Bob').filter((b) => b === 'twice')).toHaveLength(1);

    // The senior stops answering: bob's node keeps three stanzas unacknowledged and refuses the fourth.
    senior.signal('SIGSTOP');
    for (let n = 1; n <= 4; n++) await bob.send(groupchat(ROOM, `limit-${n}`, `limit-${n}`));
    const refused = await bob.waitFor((s) => s.is('message') && s.attrs.type === 'error', 10000, 'a refusal');
    senior.signal('SIGCONT');
    expect(refused.attrs.id).toBe('limit-4');
    expect(errorCondition(refused)).toBe('resource-constraint');
    expect(refused.getChild('error')?.attrs.type).toBe('wait');
    // Once bob's node has every one acknowledged (copies it sent again meanwhile included), a
    // marker from bob comes after all of them.
    await eventually('the outbox empty again', () => bobNode.logs.some((l) => l.msg === 'the MUC outbox is empty again after it was full'), 15000);
    expect(bobNode.logs.filter((l) => l.msg?.startsWith('the MUC outbox is full'))).toHaveLength(1);
    await bob.send(groupchat(ROOM, 'after-limit', 'after-limit'));
    await carol.waitFor(hasBody('after-limit'), 15000, 'the message after the limit');
    expect(idsFrom(carol, 'Bob').filter((id) => id.startsWith('limit-'))).toEqual(['limit-1', 'limit-2', 'limit-3']);
    expect(bob.received.filter((s) => s.is('message') && s.attrs.type === 'error')).toHaveLength(1);
  }, 120000);
});
