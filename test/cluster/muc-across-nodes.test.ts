/**
 * Multi-user chat in a cluster of three server processes on Redis and PostgreSQL: occupants on
 * every node share one room (its state on the senior, the others forwarding to it). A node
 * SIGKILLed while the room is busy: the survivors see its occupant leave exactly once and every
 * message of the survivors arrives once at each of them. Then the senior itself dies: the next
 * senior carries the room on from the replicated copy, and the room's archive in PostgreSQL
 * holds every message once, and a newcomer gets the history the dead owner left.
 */
import type { Element } from 'ltx';
import { createRoom, groupchat, join, MUC_USER_NS, subjectOf } from '../../server-core/testing/muc-steps';
import { eventually } from '../../server-core/testing/eventually';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { online, stopAll } from './cluster-steps';

const ROOM = 'ops@conference.localhost';
const MESSAGES = 40;

const leftRoom = (nick: string) => (s: Element) => s.is('presence') && s.attrs.from === `${ROOM}/${nick}` && s.attrs.type === 'unavailable';
const bodiesFrom = (client: TestClient, nick: string) =>
  client.received.filter((s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${ROOM}/${nick}` && !s.getChild('delay')).map((s) => s.getChildText('body'));

describe('multi-user chat across cluster nodes', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('keeps one room across nodes through the loss of a node and of the senior', async () => {
    const nodes = await cluster.start('a', 'b', 'c');
    await cluster.createUsers('alice', 'bob', 'carol', 'dave');
    await eventually('a senior', () => nodes.some((n) => n.logs.some((l) => l.event === 'markedSenior')), 20000);
    const senior = nodes.find((n) => n.logs.some((l) => l.event === 'markedSenior'))!;
    const others = nodes.filter((n) => n !== senior) as [ClusterNode, ClusterNode];
    // The owner of the room (the senior) hosts alice; bob and carol are on the other nodes.
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
