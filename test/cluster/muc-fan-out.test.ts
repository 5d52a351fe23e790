/**
 * A room's message to several occupants on another node crosses the cluster once: the owning
 * node (the senior) sends one cluster message to that node naming every recipient, not one per
 * occupant; and it replicates the room's history, not the whole room (its occupant list). Watched
 * on Redis channels with a subscriber of our own, while two real node processes run the room.
 */
import Redis from 'ioredis';
import { ClusterKeys } from '../../server-core/src/cluster/redis/keys';
import { eventually } from '../../server-core/testing/eventually';
import { createRoom, groupchat, join } from '../../server-core/testing/muc-steps';
import { TEST_REDIS } from '../../server-core/testing/redis';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import type { TestClient } from '../support/xmpp-client';
import { online, stopAll } from './cluster-steps';

const ROOM = 'crowd@conference.localhost';
const OTHERS = ['bob', 'carol', 'dave', 'erin'];

interface Envelope {
  kind: string;
  topic?: string;
  payload?: string;
}

describe('multi-user chat fan-out across nodes', () => {
  const cluster = new TestCluster();
  const clients: TestClient[] = [];
  const subscriber = new Redis({ ...TEST_REDIS, lazyConnect: true });
  afterAll(async () => {
    subscriber.disconnect();
    await stopAll(clients);
    await cluster.stop();
  });

  it('sends a groupchat message once to a node that hosts several occupants', async () => {
    const nodes = await cluster.start('a', 'b');
    await cluster.createUsers('alice', ...OTHERS);
    await eventually('a senior', () => nodes.some((n) => n.logs.some((l) => l.event === 'markedSenior')), 20000);
    const senior = nodes.find((n) => n.logs.some((l) => l.event === 'markedSenior'))!;
    const other = nodes.find((n) => n !== senior) as ClusterNode;

    // What the senior sends to the other node, and the changes of the rooms' replicated caches
    // (a core module's caches are named like a plugin's: plugin.<module>.<name>).
    const keys = new ClusterKeys(cluster.namespace);
    const [roomsCache, historyCache] = ['plugin.muc.rooms', 'plugin.muc.room-history'];
    const envelopes: Envelope[] = [];
    const cacheChanges: Array<{ cache: string; change: string }> = [];
    await subscriber.connect();
    await subscriber.subscribe(keys.nodeChannel(other.id), keys.cacheChannel(roomsCache), keys.cacheChannel(historyCache));
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel === keys.nodeChannel(other.id)) envelopes.push(JSON.parse(raw) as Envelope);
      else cacheChanges.push({ cache: channel === keys.cacheChannel(roomsCache) ? 'rooms' : 'room-history', change: raw });
    });

    const alice = await online(senior, 'alice', 'desk');
    clients.push(alice);
    await createRoom(alice, ROOM, 'Alice');
    const others: TestClient[] = [];
    for (const name of OTHERS) {
      const client = await online(other, name, 'laptop');
      clients.push(client);
      others.push(client);
      await join(client, ROOM, name);
    }

    const carrying = (body: string) => envelopes.filter((e) => e.kind === 'message' && e.payload?.includes(`<body>${body}</body>`));
    // Everyone inside: the last join's room copy has been replicated; what follows is the messages'.
    await eventually('the last join replicated', () => cacheChanges.some((c) => c.cache === 'rooms' && c.change.includes(`${OTHERS.at(-1)}@localhost`)), 5000);
    const changesBefore = cacheChanges.length;
    await alice.send(groupchat(ROOM, 'hello all', 'm1'));
    for (const client of others) await client.waitFor((s) => s.getChildText('body') === 'hello all', 5000, `the message at ${client.jid}`);
    // A second message: once the subscriber has it, everything sent before it has reached the subscriber too.
    await alice.send(groupchat(ROOM, 'marker', 'm2'));
    await eventually('the marker on the channel', () => carrying('marker').length > 0, 5000);

    const sent = carrying('hello all');
    expect(sent.map((e) => e.topic)).toEqual(['xmpp.deliver-each']);
    const { to } = JSON.parse(sent[0]!.payload!) as { to: string[] };
    expect([...to].sort()).toEqual(others.map((c) => c.jid).sort());
    // Each message replicated the history only (the marker's change may still be on its way).
    const changes = cacheChanges.slice(changesBefore);
    expect(changes.filter((c) => c.cache === 'rooms')).toEqual([]);
    expect(changes.filter((c) => c.cache === 'room-history' && c.change.includes('hello all'))).not.toHaveLength(0);
  }, 60000);
});
