/**
 * XEP-0352 with a raw client (which says active/inactive) and a real @xmpp/client contact:
 * what is held while inactive, what goes out at once and in which order, the bound, and
 * turning the module off at run time.
 */
import { startTestServer, type TestServer } from '../../../../test/support/server-harness';
import { RAW_SIGN_IN_CONFIG, rawSession } from '../../../../test/attacks/raw-session';
import type { RawStream } from '../../../../test/attacks/attack-kit';
import { connectClient, xml, type TestClient } from '../../../../test/support/xmpp-client';
import { eventually } from '../../../testing/eventually';

const CSI = "xmlns='urn:xmpp:csi:0'";

describe('client state indication', () => {
  let server: TestServer;
  let alice: RawStream;
  let bob: TestClient;
  let pings = 0;

  /** Alice's stream handles in order: once her ping is answered, what she sent before it took effect. */
  const aliceSettled = async () => {
    const id = `ping-${++pings}`;
    await alice.write(`<iq type='get' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await alice.waitForText(`id="${id}"`);
  };
  /** Everything bob sent before this was delivered to alice's session (held or written). */
  const bobSettled = () => bob.iq(xml('iq', { type: 'get' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
  const bobPresence = (status: string) => bob.send(xml('presence', {}, xml('status', {}, status)));
  const chatState = () => bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  const chat = (body: string) => bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, body)));

  beforeAll(async () => {
    server = await startTestServer({ config: { ...RAW_SIGN_IN_CONFIG, modules: { csi: { config: { maxHeldStanzas: 5 } } } } });
    await server.createUser('alice', 'wonderland');
    await server.createUser('bob', 'builder');
    const both = (jid: string) => ({ jid, name: null, subscription: 'both' as const, askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
    await server.server.context.stores.rosters.put('alice', both('bob@localhost'));
    await server.server.context.stores.rosters.put('bob', both('alice@localhost'));
    alice = await rawSession(server, 'alice', 'wonderland', 'phone');
    await alice.write('<presence/>');
    bob = await connectClient(server, { username: 'bob', password: 'builder', resource: 'pc' });
    await bobPresence('here');
    await alice.waitForText('<status>here</status>');
  });
  afterAll(async () => {
    alice?.destroy();
    await bob?.stop();
    await server?.stop();
  });

  test('<csi/> is advertised after authentication', () => {
    expect(alice.received).toMatch(/<csi xmlns="urn:xmpp:csi:0"\/>.*<\/stream:features>/);
  });

  test('inactive holds presence (newest per contact) and chat states; a message with a body flushes them first, in order', async () => {
    await alice.write(`<inactive ${CSI}/>`);
    await aliceSettled();
    const mark = alice.received.length;
    await bobPresence('away for lunch');
    await bobPresence('back at two');
    await chatState();
    await bobSettled();
    expect(alice.received.slice(mark)).not.toContain('<status>');
    expect(alice.received.slice(mark)).not.toContain('composing');

    await chat('are you there?');
    await alice.waitForText('are you there?');
    const after = alice.received.slice(mark);
    expect(after).not.toContain('away for lunch');
    const order = ['back at two', 'composing', 'are you there?'].map((text) => after.indexOf(text));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('active flushes what was held', async () => {
    const mark = alice.received.length;
    await bobPresence('in a meeting');
    await bobSettled();
    expect(alice.received.slice(mark)).not.toContain('in a meeting');
    await alice.write(`<active ${CSI}/>`);
    await alice.waitForText('in a meeting');
    // Active again: presence goes straight through.
    await bobPresence('free');
    await alice.waitForText('<status>free</status>');
  });

  test('more than maxHeldStanzas held flushes them all', async () => {
    await alice.write(`<inactive ${CSI}/>`);
    await aliceSettled();
    const mark = alice.received.length;
    for (let i = 0; i < 5; i++) await chatState();
    await bobSettled();
    expect(alice.received.slice(mark)).not.toContain('composing');
    await chatState();
    await eventually('six chat states flushed', () => alice.received.slice(mark).split('composing').length - 1 === 6);
  });

  test('turning the module off flushes what is held and stops offering <csi/>', async () => {
    await alice.write(`<inactive ${CSI}/>`);
    await aliceSettled();
    const mark = alice.received.length;
    await bobPresence('held until the module stops');
    await bobSettled();
    expect(alice.received.slice(mark)).not.toContain('held until the module stops');
    await server.server.plugins.disable('csi');
    await alice.waitForText('held until the module stops');
    const other = await rawSession(server, 'alice', 'wonderland', 'other');
    expect(other.received).not.toContain('urn:xmpp:csi:0');
    other.destroy();
    await server.server.plugins.enable('csi');
  });
});
