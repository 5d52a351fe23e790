/**
 * An external component written with slixmpp's ComponentXMPP (XEP-0114) against the server:
 * the handshake, messages both ways with an @xmpp/client user and with an internal component
 * (the bundled echo plugin), and the stream errors for a wrong secret and a spoofed sender.
 */
import { bodyIs, startWorld, xml, type World } from '../../server-core/testing/world';
import { freePort } from '../../server-core/testing/redis';
import { eventually } from '../../server-core/testing/eventually';
import { SlixmppComponent } from './slixmpp-component';

const DOMAIN = 'gateway.localhost';
const SECRET = 'slixmpp-gateway-secret';

describe('a slixmpp external component', () => {
  let world: World;
  let port: number;
  const components: SlixmppComponent[] = [];
  const start = (secret = SECRET) => {
    const component = SlixmppComponent.start(port, DOMAIN, secret);
    components.push(component);
    return component;
  };

  const released = () => eventually('the domain released', () => world.server.server.context.disco.items.every((item) => item.jid !== DOMAIN));

  beforeAll(async () => {
    port = await freePort();
    world = await startWorld(['alice'], {
      modules: { components: { config: { listener: { host: '127.0.0.1', port }, components: [{ domain: DOMAIN, secret: SECRET }] } } },
      plugins: [{ name: 'echo-component', config: { prefix: 'echo: ' } }],
    });
  });
  afterEach(async () => {
    await Promise.all(components.splice(0).map((component) => component.stop()));
    // The next test's component would get conflict while the server still holds this one's connection.
    await released();
  });
  afterAll(() => world.stop());

  it('connects with the handshake and exchanges messages with a user', async () => {
    const component = start();
    await component.waitFor((e) => e.event === 'connected', 'its handshake accepted');
    const alice = await world.online('alice', 'desk');

    await alice.send(xml('message', { to: `echo@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'hello component')));
    const seen = await component.waitFor((e) => e.event === 'message' && e.body === 'hello component', 'the message of alice');
    expect(seen).toMatchObject({ from: alice.jid, to: `echo@${DOMAIN}` });
    const echo = await alice.waitFor(bodyIs('echo: hello component'), 10000, 'the echo');
    expect(echo.attrs.from).toBe(`echo@${DOMAIN}`);

    component.send({ to: 'alice@localhost', from: `news@${DOMAIN}`, body: 'the component speaks first' });
    const spoken = await alice.waitFor(bodyIs('the component speaks first'), 10000, 'the component message');
    expect(spoken.attrs.from).toBe(`news@${DOMAIN}`);
  }, 60000);

  it('talks with an internal component (the echo plugin) next to it, both listed in disco#items', async () => {
    const component = start();
    await component.waitFor((e) => e.event === 'connected', 'its handshake accepted');
    component.send({ to: 'echo.localhost', from: `bot@${DOMAIN}`, body: 'ping-pong' });
    const answer = await component.waitFor((e) => e.event === 'message' && e.body === 'echo: ping-pong', 'the echo plugin\'s answer');
    expect(answer).toMatchObject({ from: 'echo.localhost', to: `bot@${DOMAIN}` });
    const alice = await world.online('alice', 'disco');
    const items = await alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
    expect(items.getChild('query')!.getChildren('item').map((item) => item.attrs.jid)).toEqual(expect.arrayContaining(['echo.localhost', DOMAIN]));
  }, 60000);

  it('gets not-authorized for a wrong secret', async () => {
    const component = start('a-wrong-secret');
    const error = await component.waitFor((e) => e.event === 'stream_error', 'a stream error');
    expect(error.condition).toBe('not-authorized');
    expect(component.events.some((e) => e.event === 'connected')).toBe(false);
  }, 60000);

  it('gets invalid-from for a message from outside its domain, which is not delivered', async () => {
    const component = start();
    await component.waitFor((e) => e.event === 'connected', 'its handshake accepted');
    const alice = await world.online('alice', 'spoofed');
    component.send({ to: 'alice@localhost/spoofed', from: 'admin@localhost', body: 'I am the admin' });
    const error = await component.waitFor((e) => e.event === 'stream_error', 'a stream error');
    expect(error.condition).toBe('invalid-from');
    // A marker from a fresh connection: the spoofed message would have come before it.
    await component.stop();
    await released();
    const honest = start();
    await honest.waitFor((e) => e.event === 'connected', 'its handshake accepted');
    honest.send({ to: 'alice@localhost/spoofed', body: 'marker' });
    await alice.waitFor(bodyIs('marker'), 10000, 'the marker');
    expect(alice.received.some(bodyIs('I am the admin'))).toBe(false);
  }, 60000);
});
