import { PrivateRedisServer } from '../../server-core/testing/redis';
import { TestCluster } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { mutualSubscription, online, stopAll } from './cluster-steps';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const body = (s: { is(n: string): boolean; getChildText(n: string): string | null }) => (s.is('message') ? s.getChildText('body') : null);

describe('a cluster across a restart of Redis that loses every key', () => {
  let redis: PrivateRedisServer;
  let cluster: TestCluster;
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster?.stop();
    await redis?.stop();
  });

  it('keeps running under light load, recovers, and the route table is whole again (a new node routes to old sessions)', async () => {
    redis = await PrivateRedisServer.start();
    cluster = new TestCluster({ redis: redis.endpoint });
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob', 'carol');
    const alice = await online(a, 'alice', 'desk');
    const bob = await online(b, 'bob', 'pc');
    clients.push(alice, bob);
    await mutualSubscription(alice, bob);

    // Light load: alice writes to bob every 50 ms throughout the outage.
    let sending = true;
    let sent = 0;
    const load = (async () => {
      while (sending) {
        await alice.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, `n${sent++}`))).catch(() => undefined);
        await sleep(50);
      }
    })();
    await sleep(300);
    await redis.stop();
    await sleep(1500);
    await redis.restart();
    // The load goes on until both nodes have put their copies back into the emptied Redis.
    const merged = (l: { msg?: string }) => l.msg === "redis lost the cache; merged this node's copy back";
    await Promise.all([a.waitForLog(merged, 15000, 'the cache merged back'), b.waitForLog(merged, 15000, 'the cache merged back')]);
    sending = false;
    await load;

    expect(a.running && b.running).toBe(true);
    // Messages flow again between the old sessions.
    await alice.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, 'after the outage')));
    await bob.waitFor((s) => body(s) === 'after the outage', 10000, 'a message after the outage');
    // A node that starts now knows only what Redis holds: it must find alice's and bob's routes.
    const c = await cluster.startNode('c');
    const carol = await online(c, 'carol', 'tab');
    clients.push(carol);
    await carol.send(xml('message', { to: alice.jid, type: 'chat' }, xml('body', {}, 'from the new node')));
    await alice.waitFor((s) => body(s) === 'from the new node', 10000, 'a message routed by the new node');
    await carol.send(xml('message', { to: bob.jid, type: 'chat' }, xml('body', {}, 'to bob from the new node')));
    await bob.waitFor((s) => body(s) === 'to bob from the new node', 10000, 'a message routed by the new node');
    expect([a, b, c].every((n) => n.running)).toBe(true);
  }, 120000);
});
