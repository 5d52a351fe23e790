/**
 * An external component (slixmpp's ComponentXMPP) on a cluster of two server processes: it
 * connects to one node and serves users on both; a second connection for its domain on the
 * other node is refused; when it leaves, or its node dies, its domain answers service-unavailable
 * everywhere, and it can reconnect to any node.
 */
import { errorCondition } from '../../server-core/testing/world';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { handshakeDigest, openComponentStream } from '../support/raw-component';
import { xml, type TestClient } from '../support/xmpp-client';
import { SlixmppComponent } from '../interop/slixmpp-component';
import { online, stopAll } from './cluster-steps';
import { eventually } from '../../server-core/testing/eventually';

const DOMAIN = 'gateway.localhost';
const SECRET = 'cluster-gateway-secret';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

const bodyIs = (text: string) => (s: { is(name: string): boolean; getChildText(name: string): string | null }) => s.is('message') && s.getChildText('body') === text;

async function componentPort(node: ClusterNode): Promise<number> {
  const line = await node.waitForLog((l) => l.msg === 'component listener started', 10000, 'the component listener');
  return Number(line.port);
}

async function listed(client: TestClient): Promise<boolean> {
  const answer = await client.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: DISCO_ITEMS })));
  return answer.getChild('query')!.getChildren('item').some((item) => item.attrs.jid === DOMAIN);
}

describe('an external component in a cluster', () => {
  const cluster = new TestCluster({
    config: { modules: { components: { config: { listener: { host: '127.0.0.1', port: 0 }, components: [{ domain: DOMAIN, secret: SECRET, name: 'Gateway' }] } } } },
  });
  const clients: TestClient[] = [];
  const components: SlixmppComponent[] = [];
  afterAll(async () => {
    await Promise.all(components.map((component) => component.stop()));
    await stopAll(clients);
    await cluster.stop();
  });

  it('serves users on every node from the node it connected to, and becomes unreachable cleanly when it or its node goes', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob');
    const [portA, portB] = [await componentPort(a), await componentPort(b)];
    const alice = await online(a, 'alice', 'desk');
    const bob = await online(b, 'bob', 'laptop');
    clients.push(alice, bob);

    // Connected to node a; bob is on node b.
    const first = SlixmppComponent.start(portA, DOMAIN, SECRET);
    components.push(first);
    await first.waitFor((e) => e.event === 'connected', 'its handshake on node a');
    await eventually('node b lists the component', () => listed(bob));
    await bob.send(xml('message', { to: `echo@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'from node b')));
    const seen = await first.waitFor((e) => e.event === 'message' && e.body === 'from node b', 'the message relayed from node b');
    expect(seen.from).toBe(bob.jid);
    const echo = await bob.waitFor(bodyIs('echo: from node b'), 10000, 'the echo through node a');
    expect(echo.attrs.from).toBe(`echo@${DOMAIN}`);
    first.send({ to: 'bob@localhost', from: `news@${DOMAIN}`, body: 'to the user on node b' });
    await bob.waitFor(bodyIs('to the user on node b'), 10000, 'the component message on node b');

    // The domain is held on node a: a second connection on node b is refused.
    const second = await openComponentStream(portB, DOMAIN);
    await second.raw.write(`<handshake>${handshakeDigest(second.id, SECRET)}</handshake>`);
    expect(await second.raw.streamError()).toBe('conflict');
    await second.raw.dispose();

    // The component leaves: senders on both nodes get service-unavailable.
    await first.stop();
    await eventually('node b no longer lists the component', async () => !(await listed(bob)));
    await bob.send(xml('message', { to: `echo@${DOMAIN}`, type: 'chat', id: 'left' }, xml('body', {}, 'anyone?')));
    const bounce = await bob.waitFor((s) => s.is('message') && s.attrs.id === 'left' && s.attrs.type === 'error', 10000, 'the bounce on node b');
    expect(errorCondition(bounce)).toBe('service-unavailable');

    // Two connections claim the domain at once on both nodes: one keeps it, the other ends with conflict.
    const racers = await Promise.all([openComponentStream(portA, DOMAIN), openComponentStream(portB, DOMAIN)]);
    await Promise.all(racers.map(({ raw, id }) => raw.write(`<handshake>${handshakeDigest(id, SECRET)}</handshake>`)));
    await eventually('one racer refused', () => racers.filter(({ raw }) => raw.closed).length === 1);
    const loser = racers.find(({ raw }) => raw.closed)!.raw;
    const winner = racers.find(({ raw }) => !raw.closed)!.raw;
    expect(await loser.streamError()).toBe('conflict');
    await alice.send(xml('message', { to: DOMAIN, type: 'chat' }, xml('body', {}, 'to the winner')));
    await winner.waitForText('to the winner');
    await Promise.all(racers.map(({ raw }) => raw.dispose()));
    await eventually('node a no longer lists the racer', async () => !(await listed(alice)));

    // It reconnects to node b and serves alice on node a.
    const again = SlixmppComponent.start(portB, DOMAIN, SECRET);
    components.push(again);
    await again.waitFor((e) => e.event === 'connected', 'its handshake on node b');
    await eventually('node a lists the component', () => listed(alice));
    await alice.send(xml('message', { to: `echo@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'from node a')));
    await alice.waitFor(bodyIs('echo: from node a'), 10000, 'the echo through node b');

    // Node b dies with the component's connection: node a stops listing it and bounces.
    b.signal('SIGKILL');
    await b.exited;
    await again.waitFor((e) => e.event === 'disconnected', 'its connection drop');
    await eventually('node a no longer lists the component', async () => !(await listed(alice)), 15000);
    await alice.send(xml('message', { to: `echo@${DOMAIN}`, type: 'chat', id: 'dead' }, xml('body', {}, 'after the node died')));
    const dead = await alice.waitFor((s) => s.is('message') && s.attrs.id === 'dead' && s.attrs.type === 'error', 10000, 'the bounce on node a');
    expect(errorCondition(dead)).toBe('service-unavailable');

    // Connections, refusals and losses were logged, the secret never.
    expect(a.logs.some((line) => line.msg === 'component connected')).toBe(true);
    expect(b.logs.some((line) => line.msg === 'component stream error' && line.condition === 'conflict')).toBe(true);
    for (const node of [a, b]) expect(JSON.stringify(node.logs) + node.output).not.toContain(SECRET);
  }, 180000);
});
