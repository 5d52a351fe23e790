/**
 * XEP-0198 with an independent client (slixmpp's xep_0198): resumption after the TCP
 * connection was killed loses and repeats nothing, an unknown id fails with item-not-found,
 * and a session that is never resumed hands what it had not delivered to offline storage.
 */
import { connectClient, eventually, startNode, xml, type TestClient, type TestNode } from '@asterisk-im/server-core/testing';
import { SlixmppSmClient } from './slixmpp-stream-management';

const chat = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));

/** Bob's stanzas are handled in order: once his ping is answered, every message before it was delivered. */
const handled = (client: TestClient) => client.iq(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));

/**
 * A node whose stream management never asks for acknowledgements during a test (what the client
 * got before the drop stays unacknowledged), with alice and bob as mutual contacts.
 */
async function smNode(resumeTimeoutSeconds: number): Promise<TestNode> {
  const node = await startNode({ config: { modules: { 'stream-management': { config: { resumeTimeoutSeconds, requestAckAfterStanzas: 10000, requestAckAfterMs: 600000 } } } } });
  await node.createUser('alice', 'alice-pw');
  await node.createUser('bob', 'bob-pw');
  await befriend(node);
  return node;
}

async function befriend(node: TestNode): Promise<void> {
  const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
  await node.server.context.stores.rosters.put('alice', both('bob@localhost'));
  await node.server.context.stores.rosters.put('bob', both('alice@localhost'));
}

async function online(slix: SlixmppSmClient, node: TestNode, fullJid: string): Promise<void> {
  slix.command('connect');
  await slix.waitFor('sm_enabled', (e) => Boolean(e.id));
  await slix.waitFor('session_start');
  slix.command('presence');
  await eventually(`${fullJid} available`, () => node.server.context.sessions.get(fullJid)?.available === true);
}

describe('stream management with slixmpp', () => {
  let node: TestNode;
  const clients: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    node = await smNode(60);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
  });
  afterAll(() => node.stop());

  it('resumes after the TCP connection was killed: every message arrives once, presence stayed, carbons still flow', async () => {
    const alice = new SlixmppSmClient(node.c2sPort, 'alice@localhost/phone', 'alice-pw');
    clients.push(alice);
    await online(alice, node, 'alice@localhost/phone');
    alice.command('carbons');
    await alice.waitFor('carbons_enabled');
    const bob = await connectClient(node, { username: 'bob', password: 'bob-pw', resource: 'pc' });
    clients.push(bob);
    await bob.send(xml('presence'));
    await bob.waitFor((s) => s.is('presence') && String(s.attrs.from) === 'alice@localhost/phone' && s.attrs.type === undefined);

    for (const n of [1, 2, 3]) await bob.send(chat('alice@localhost', `m${n}`));
    await alice.waitFor('message', (e) => e.body === 'm3');

    // Alice stops reading: m4..m6 are written to her socket and never read, then the connection dies.
    alice.command('pause');
    await alice.waitFor('paused');
    for (const n of [4, 5, 6]) await bob.send(chat('alice@localhost', `m${n}`));
    await handled(bob);
    alice.command('drop');
    await eventually('alice detached', () => node.server.context.sessions.get('alice@localhost/phone')?.isDetached === true);

    // While detached: still online for her contacts, messages queue for her.
    expect(node.server.context.routes.get('alice@localhost/phone')).toMatchObject({ available: true });
    for (const n of [7, 8]) await bob.send(chat('alice@localhost', `m${n}`));
    await handled(bob);

    const before = alice.events.length;
    const bodiesBefore = alice.bodies();
    alice.command('connect');
    await alice.waitFor('resumed', () => true, 10000, before);
    await alice.waitFor('message', (e) => e.body === 'm8');
    await bob.send(chat('alice@localhost', 'm9'));
    await alice.waitFor('message', (e) => e.body === 'm9');
    // m4..m6 died unread with the connection: the server sent them again after <resumed/>.
    expect(bodiesBefore).toEqual(['m1', 'm2', 'm3']);
    expect(alice.bodies()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);

    // Bob never saw her go offline.
    await handled(bob);
    expect(bob.received.filter((s) => s.is('presence') && s.attrs.from === 'alice@localhost/phone' && s.attrs.type === 'unavailable')).toEqual([]);
    // Carbons survived: a message alice sends from another resource is copied to the resumed one.
    const desk = await connectClient(node, { username: 'alice', password: 'alice-pw', resource: 'desk' });
    clients.push(desk);
    await desk.send(chat('bob@localhost', 'from the desk'));
    await alice.waitFor('carbon_sent', (e) => e.body === 'from the desk');
  }, 60000);

  it('answers item-not-found for an id it does not know, and the client binds a new session', async () => {
    const alice = new SlixmppSmClient(node.c2sPort, 'alice@localhost/tablet', 'alice-pw');
    clients.push(alice);
    alice.command('set_sm_id', { id: 'bm8tc3VjaC1ub2Rl.c2Vzc2lvbg' });
    await alice.waitFor('sm_id_set');
    alice.command('connect');
    const failed = await alice.waitFor('sm_failed');
    expect(failed.condition).toBe('item-not-found');
    await alice.waitFor('sm_enabled');
    await alice.waitFor('session_start');
    await eventually('a new session for alice/tablet', () => node.server.context.sessions.get('alice@localhost/tablet') !== undefined);
  }, 30000);
});

describe('stream management: a session nobody resumes', () => {
  let node: TestNode;
  const clients: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    node = await smNode(1);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await node.stop();
  });

  it('times out: presence unavailable goes out and the unacknowledged messages wait in offline storage', async () => {
    const alice = new SlixmppSmClient(node.c2sPort, 'alice@localhost/phone', 'alice-pw');
    clients.push(alice);
    await online(alice, node, 'alice@localhost/phone');
    const bob = await connectClient(node, { username: 'bob', password: 'bob-pw', resource: 'pc' });
    clients.push(bob);
    await bob.send(xml('presence'));
    await bob.waitFor((s) => s.is('presence') && s.attrs.from === 'alice@localhost/phone' && s.attrs.type === undefined);

    await bob.send(chat('alice@localhost', 'read before the drop'));
    await alice.waitFor('message', (e) => e.body === 'read before the drop');
    alice.command('ack');
    await alice.waitFor('acked');
    alice.command('pause');
    await alice.waitFor('paused');
    for (const n of [1, 2]) await bob.send(chat('alice@localhost', `unread ${n}`));
    await handled(bob);
    alice.command('drop');

    await bob.waitFor((s) => s.is('presence') && s.attrs.from === 'alice@localhost/phone' && s.attrs.type === 'unavailable', 10000, 'alice unavailable');
    expect(node.server.context.sessions.get('alice@localhost/phone')).toBeUndefined();

    const again = await connectClient(node, { username: 'alice', password: 'alice-pw', resource: 'laptop' });
    clients.push(again);
    await again.send(xml('presence'));
    const offline = async () => {
      await again.waitFor((s) => s.is('message') && s.getChildText('body') === 'unread 2');
      return again.received.filter((s) => s.is('message')).map((s) => ({ body: s.getChildText('body'), delayed: s.getChild('delay', 'urn:xmpp:delay') !== undefined }));
    };
    expect(await offline()).toEqual([
      { body: 'unread 1', delayed: true },
      { body: 'unread 2', delayed: true },
    ]);
  }, 60000);
});
