/**
 * XEP-0198 across two nodes (Redis + PostgreSQL, real processes): a session resumes only on
 * the node it was bound on. Asked on the other node it fails with item-not-found, and the new
 * bind takes the resource over, the old session's undelivered messages going to offline
 * storage first; after the node holding it died, the resumption fails the same way and the
 * contacts see the resource go offline.
 */
import { openStorage } from '../../server-core/src/storage';
import { TEST_POSTGRES_URL } from '../../server-core/testing/databases';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { SlixmppSmClient } from '../interop/slixmpp-stream-management';

const chat = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));
const handled = (client: TestClient) => client.iq(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 10000);
const unavailableFrom = (jid: string) => (s: { is(name: string): boolean; attrs: Record<string, unknown> }) => s.is('presence') && s.attrs.from === jid && s.attrs.type === 'unavailable';

describe('stream management in a cluster', () => {
  const cluster = new TestCluster({ config: { modules: { 'stream-management': { config: { resumeTimeoutSeconds: 120, requestAckAfterStanzas: 10000, requestAckAfterMs: 600000 } } } } });
  const clients: Array<{ stop(): Promise<void> }> = [];
  let a: ClusterNode;
  let b: ClusterNode;

  beforeAll(async () => {
    [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob');
    const { db, stores } = await openStorage({ kind: 'postgres', url: TEST_POSTGRES_URL, schema: cluster.schema, poolSize: 2 }, { scramIterations: 1024 });
    try {
      const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
      await stores.rosters.put('alice', both('bob@localhost'));
      await stores.rosters.put('bob', both('alice@localhost'));
    } finally {
      await db.close();
    }
  }, 90000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
  });
  afterAll(() => cluster.stop());

  /** Alice with stream management on `node`, available, seen by bob (on node b); then her connection dies. */
  async function aliceDetachedOn(node: ClusterNode, resource: string, bob: TestClient): Promise<SlixmppSmClient> {
    const alice = new SlixmppSmClient(node.c2sPort, `alice@localhost/${resource}`, 'alice-secret');
    clients.push(alice);
    alice.command('connect');
    await alice.waitFor('sm_enabled', (e) => Boolean(e.id), 20000);
    await alice.waitFor('session_start');
    alice.command('presence');
    await bob.waitFor((s) => s.is('presence') && s.attrs.from === `alice@localhost/${resource}` && s.attrs.type === undefined, 10000, 'alice available');
    alice.command('drop');
    await node.waitForLog((line) => line.msg === 'connection lost; session kept for resumption' && line.jid === `alice@localhost/${resource}`, 10000, 'alice detached');
    return alice;
  }

  it('a resumption on the other node fails with item-not-found; the new bind takes over and nothing queued is lost', async () => {
    const bob = await connectClient(b, { username: 'bob', password: 'bob-secret', resource: 'pc' });
    clients.push(bob);
    await bob.send(xml('presence'));
    const alice = await aliceDetachedOn(a, 'phone', bob);
    // Queued on node a for the detached session.
    for (const n of [1, 2]) await bob.send(chat('alice@localhost/phone', `queued ${n}`));
    await handled(bob);

    const before = alice.events.length;
    alice.command('connect', { port: b.c2sPort });
    const failed = await alice.waitFor('sm_failed', () => true, 20000, before);
    expect(failed.condition).toBe('item-not-found');
    await alice.waitFor('session_start', () => true, 20000, before);
    // The new session on b replaced the detached one on a, which stored what it held first.
    await a.waitForLog((line) => line.msg === 'unacknowledged stanzas of an ended session settled' && line.stored === 2, 10000, 'the queued messages stored');
    alice.command('presence');
    await alice.waitFor('message', (e) => e.body === 'queued 2', 20000, before);
    expect(alice.events.slice(before).filter((e) => e.event === 'message')).toEqual([
      { event: 'message', body: 'queued 1', delayed: true },
      { event: 'message', body: 'queued 2', delayed: true },
    ]);
  }, 90000);

  it('after the node holding the session died, resumption fails with item-not-found and contacts see the resource go', async () => {
    const bob = await connectClient(b, { username: 'bob', password: 'bob-secret', resource: 'pc2' });
    clients.push(bob);
    await bob.send(xml('presence'));
    const alice = await aliceDetachedOn(a, 'tablet', bob);
    a.signal('SIGKILL');
    await a.exited;
    await bob.waitFor(unavailableFrom('alice@localhost/tablet'), 20000, 'alice/tablet gone with node a');

    const before = alice.events.length;
    alice.command('connect', { port: b.c2sPort });
    const failed = await alice.waitFor('sm_failed', () => true, 20000, before);
    expect(failed.condition).toBe('item-not-found');
    await alice.waitFor('session_start', () => true, 20000, before);
  }, 90000);
});
