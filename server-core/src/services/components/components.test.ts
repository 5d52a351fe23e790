import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Element } from 'ltx';
import { startTestServer } from '../../../../test/support/server-harness';
import { bodyIs, errorCondition, startWorld, xml, type World } from '../../../testing/world';
import { freePort } from '../../../testing/redis';
import { eventually } from '../../../testing/eventually';
import { renderMetrics } from '../../metrics/registry';
import { parseXml } from '../../xml';
import { connectRawComponent, handshakeDigest, openComponentStream } from '../../../../test/support/raw-component';
import { RawStream } from '../../../../test/attacks/attack-kit';

const SECRET = 'gateway-secret-1';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

/** The stanzas a raw component received, parsed (the stream header stripped). */
function stanzasOf(raw: RawStream): Element[] {
  const body = raw.received.replace(/^[\s\S]*?<stream:stream[^>]*>/, '').replace(/<handshake\/>/, '');
  return parseXml(`<wrap>${body.replace(/<\/stream:stream>$/, '')}</wrap>`).children.filter((c): c is Element => typeof c !== 'string');
}

async function discoItems(world: World, user: string): Promise<string[]> {
  const client = await world.online(user, `disco-${Math.random().toString(36).slice(2, 8)}`, { priority: null });
  const answer = await client.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: DISCO_ITEMS })));
  await client.stop();
  return answer.getChild('query')!.getChildren('item').map((item) => String(item.attrs.jid));
}

describe('XEP-0114 external components', () => {
  let world: World;
  let port: number;
  const opened: RawStream[] = [];
  const open = async (domain = 'gateway.localhost', secret = SECRET) => {
    const raw = await connectRawComponent(port, domain, secret);
    opened.push(raw);
    return raw;
  };

  beforeAll(async () => {
    port = await freePort();
    world = await startWorld(['alice', 'bob'], {
      modules: {
        components: {
          config: {
            listener: { host: '127.0.0.1', port },
            components: [
              { domain: 'gateway.localhost', secret: SECRET, name: 'Gateway' },
              { domain: 'bridge.localhost', secret: 'bridge-secret-2' },
            ],
            handshakeTimeoutMs: 500,
            keepaliveIntervalMs: 1000,
          },
        },
      },
    });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((raw) => raw.dispose()));
    await eventually('components released', () => world.server.server.context.disco.items.every((item) => !['gateway.localhost', 'bridge.localhost'].includes(item.jid)));
  });
  afterAll(() => world.stop());

  it('routes messages both ways between a user and the component, and lists it in disco#items while connected', async () => {
    const alice = await world.online('alice', 'desk');
    expect(await discoItems(world, 'bob')).not.toContain('gateway.localhost');
    const component = await open();
    await eventually('listed', async () => (await discoItems(world, 'bob')).includes('gateway.localhost'));
    // Next to the internal components, which keep working.
    expect(await discoItems(world, 'bob')).toEqual(expect.arrayContaining(['conference.localhost', 'upload.localhost', 'gateway.localhost']));

    await alice.send(xml('message', { to: 'gateway.localhost', type: 'chat' }, xml('body', {}, 'to the domain')));
    await alice.send(xml('message', { to: 'someone@gateway.localhost/x', type: 'chat' }, xml('body', {}, 'to an address at it')));
    await eventually('both at the component', () => stanzasOf(component).filter((s) => s.is('message')).length === 2);
    const [first, second] = stanzasOf(component).filter((s) => s.is('message'));
    expect(first.attrs).toMatchObject({ xmlns: 'jabber:component:accept', from: alice.jid, to: 'gateway.localhost' });
    expect(second.attrs.to).toBe('someone@gateway.localhost/x');
    expect(second.getChildText('body')).toBe('to an address at it');

    // Any address at its own domain may send, to a user's bare JID or full JID.
    await component.write(`<message from='someone@gateway.localhost/x' to='alice@localhost' type='chat'><body>hello alice</body></message>`);
    const got = await alice.waitFor(bodyIs('hello alice'), 5000, 'the component message');
    expect(got.attrs.from).toBe('someone@gateway.localhost/x');

    // An IQ to the server is answered back to the component.
    await component.write(`<iq type='get' id='p1' from='gateway.localhost' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await component.waitForText('id="p1"');
    expect(stanzasOf(component).find((s) => s.attrs.id === 'p1')!.attrs.type).toBe('result');

    const metrics = (await renderMetrics()).text;
    expect(metrics).toMatch(/aim_components_connected\{node="[^"]+"\} 1/);
    expect(metrics).toMatch(/aim_component_stanzas_total\{node="[^"]+",direction="in"\} [1-9]/);
    expect(metrics).toMatch(/aim_component_stanzas_total\{node="[^"]+",direction="out"\} [1-9]/);

    // Once it leaves, the domain answers service-unavailable and leaves disco#items.
    await component.dispose();
    await eventually('unlisted', async () => !(await discoItems(world, 'bob')).includes('gateway.localhost'));
    await alice.send(xml('message', { to: 'gateway.localhost', type: 'chat', id: 'gone' }, xml('body', {}, 'anyone there?')));
    const bounce = await alice.waitFor((s) => s.is('message') && s.attrs.id === 'gone' && s.attrs.type === 'error', 5000, 'the bounce');
    expect(errorCondition(bounce)).toBe('service-unavailable');
  });

  it('refuses a wrong secret with not-authorized, an unknown domain with host-unknown, and bad headers', async () => {
    const wrong = await openComponentStream(port, 'gateway.localhost');
    opened.push(wrong.raw);
    await wrong.raw.write(`<handshake>${handshakeDigest(wrong.id, 'not-the-secret')}</handshake>`);
    expect(await wrong.raw.streamError()).toBe('not-authorized');
    // Another domain's secret does not open this one.
    const crossed = await openComponentStream(port, 'gateway.localhost');
    opened.push(crossed.raw);
    await crossed.raw.write(`<handshake>${handshakeDigest(crossed.id, 'bridge-secret-2')}</handshake>`);
    expect(await crossed.raw.streamError()).toBe('not-authorized');

    const unknown = await openComponentStream(port, 'nobody.localhost');
    opened.push(unknown.raw);
    expect(await unknown.raw.streamError()).toBe('host-unknown');

    // A client stream header, and a component header without the domain.
    for (const [header, condition] of [
      [`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='gateway.localhost'>`, 'invalid-namespace'],
      [`<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>`, 'improper-addressing'],
    ]) {
      const raw = await RawStream.connect(port);
      opened.push(raw);
      await raw.write(header);
      expect(await raw.streamError()).toBe(condition);
    }
  });

  it('ends the stream with invalid-from for a from outside its domain, and improper-addressing without one', async () => {
    const alice = await world.online('alice', 'spoof');
    const spoofer = await open();
    await spoofer.write(`<message from='bob@localhost' to='alice@localhost' type='chat'><body>I am bob</body></message>`);
    expect(await spoofer.streamError()).toBe('invalid-from');
    const other = await open('bridge.localhost', 'bridge-secret-2');
    await other.write(`<message from='x@gateway.localhost' to='alice@localhost' type='chat'><body>not my domain</body></message>`);
    expect(await other.streamError()).toBe('invalid-from');
    const anonymous = await open();
    await anonymous.write(`<message to='alice@localhost' type='chat'><body>who am I</body></message>`);
    expect(await anonymous.streamError()).toBe('improper-addressing');
    // A marker after the refusals: nothing of theirs reached alice.
    const honest = await open();
    await honest.write(`<message from='gateway.localhost' to='alice@localhost/spoof' type='chat'><body>marker</body></message>`);
    await alice.waitFor(bodyIs('marker'), 5000, 'the marker');
    expect(alice.received.some((s) => ['I am bob', 'not my domain', 'who am I'].some((text) => bodyIs(text)(s)))).toBe(false);
  });

  it('refuses a second connection for a connected domain with conflict and keeps the first', async () => {
    const alice = await world.online('alice', 'conflict');
    const first = await open();
    const second = await openComponentStream(port, 'gateway.localhost');
    opened.push(second.raw);
    await second.raw.write(`<handshake>${handshakeDigest(second.id, SECRET)}</handshake>`);
    expect(await second.raw.streamError()).toBe('conflict');
    await alice.send(xml('message', { to: 'gateway.localhost', type: 'chat' }, xml('body', {}, 'still yours')));
    await first.waitForText('still yours');
  });

  it('sends whitespace keepalives to a quiet component', async () => {
    const quiet = await open('bridge.localhost', 'bridge-secret-2');
    await quiet.waitForText('<handshake/> ', 3000);
  });

  it('applies the client streams\' stanza size budget and the handshake timeout', async () => {
    const big = await open();
    await big.write(`<message from='gateway.localhost' to='alice@localhost'><body>${'x'.repeat(300 * 1024)}</body></message>`);
    expect(await big.streamError()).toBe('policy-violation');
    const silent = await openComponentStream(port, 'gateway.localhost');
    opened.push(silent.raw);
    expect(await silent.raw.streamError(3000)).toBe('connection-timeout');
  });
});

describe('component domains that are already served', () => {
  it.each([
    ['the server domain', 'localhost', /is the server's own domain/],
    ['an internal component', 'conference.localhost', /already served/],
  ])('refuse to start on %s', async (_what, domain, message) => {
    const port = await freePort();
    const config = { modules: { components: { config: { listener: { host: '127.0.0.1', port }, components: [{ domain, secret: 'some-long-secret' }] } } } };
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-components-'));
    try {
      await expect(startTestServer({ dataDir, config })).rejects.toThrow(message);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
