import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { connectClient, xml } from '../../test/support/xmpp-client';
import { RawStream } from './raw-stream';

describe('transports and bad input', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'alice-pw');
    await server.createUser('bob', 'bob-pw');
  });
  afterAll(() => server.stop());

  it('carries a chat between a WebSocket client and a direct-TLS client', async () => {
    const alice = await connectClient(server, { username: 'alice', password: 'alice-pw', resource: 'web', transport: 'websocket' });
    const bob = await connectClient(server, { username: 'bob', password: 'bob-pw', resource: 'desk', transport: 'tls' });
    await alice.send(xml('message', { to: 'bob@localhost/desk', type: 'chat' }, xml('body', {}, 'over websocket')));
    const got = await bob.waitFor((s) => s.is('message') && s.getChildText('body') === 'over websocket');
    expect(got.attrs.from).toBe('alice@localhost/web');
    await bob.send(xml('message', { to: 'alice@localhost/web', type: 'chat' }, xml('body', {}, 'over tls')));
    const back = await alice.waitFor((s) => s.is('message') && s.getChildText('body') === 'over tls');
    expect(back.attrs.from).toBe('bob@localhost/desk');
    const roster = await alice.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })));
    expect(roster.getChild('query', 'jabber:iq:roster')).toBeDefined();
    await Promise.all([alice.stop(), bob.stop()]);
  });

  it('answers malformed stanzas from an authenticated client with stanza errors and keeps serving', async () => {
    const alice = await connectClient(server, { username: 'alice', password: 'alice-pw' });
    await expect(alice.iq(xml('iq', { type: 'get', to: 'localhost' }))).rejects.toThrow(/bad-request/);
    await expect(alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' }), xml('x', { xmlns: 'urn:x' })))).rejects.toThrow(/bad-request/);
    await expect(alice.iq(xml('iq', { type: 'get', to: 'a@b@c' }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).rejects.toThrow(/jid-malformed/);
    await expect(alice.iq(xml('iq', { type: 'get', to: 'nobody@localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).rejects.toThrow(/service-unavailable/);
    await expect(alice.iq(xml('iq', { type: 'get', to: 'remote.example' }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).rejects.toThrow(/remote-server-not-found/);
    await alice.send(xml('message', { to: 'bob@localhost', type: 'chat', id: 'x1' }, xml('body', {}, 'still works')));
    const pong = await alice.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(pong.attrs.type).toBe('result');
    await alice.stop();
  });

  it('survives garbage on the wire and keeps its stored data', async () => {
    const payloads = [
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]).toString('latin1'),
      '<<<>>>',
      RawStream.header() + '<iq type="get" id="1"><query xmlns="jabber:iq:roster"/></iq>' + '\u0000',
      RawStream.header() + `<message a="${'x'.repeat(100000)}"`,
      RawStream.header() + '</stream:stream>',
      RawStream.header() + '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="SCRAM-SHA-1">!!!notbase64</auth>',
      RawStream.header().replace("to='localhost' version='1.0'", "to='localhost' version='2.0'"),
      RawStream.header().replace('jabber:client', 'jabber:server'),
    ];
    for (const payload of payloads) {
      const raw = await RawStream.connect(server.c2sPort);
      raw.send(payload);
      await new Promise((r) => setTimeout(r, 30));
      raw.destroy();
    }
    expect(await server.server.context.stores.accounts.verifyPassword('alice', 'alice-pw')).toBe(true);
    const alice = await connectClient(server, { username: 'alice', password: 'alice-pw' });
    expect(alice.jid).toMatch(/^alice@localhost\//);
    await alice.stop();
  });

  it('answers an unsupported version and a wrong namespace with the RFC stream errors', async () => {
    const v2 = await RawStream.connect(server.c2sPort);
    v2.send(RawStream.header().replace("to='localhost' version='1.0'", "to='localhost' version='2.0'"));
    await v2.waitForText('<unsupported-version');
    const ns = await RawStream.connect(server.c2sPort);
    ns.send(RawStream.header().replace('jabber:client', 'jabber:server'));
    await ns.waitForText('<invalid-namespace');
    v2.destroy();
    ns.destroy();
  });
});
