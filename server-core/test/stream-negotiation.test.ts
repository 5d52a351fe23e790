import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { connectClient, xml } from '../../test/support/xmpp-client';
import { RawStream } from './raw-stream';

describe('stream negotiation', () => {
  let server: TestServer;
  const raws: RawStream[] = [];
  const raw = async () => {
    const r = await RawStream.connect(server.c2sPort);
    raws.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'wonderland');
  });
  afterEach(() => raws.splice(0).forEach((r) => r.destroy()));
  afterAll(() => server.stop());

  it('offers required STARTTLS and no mechanisms before TLS', async () => {
    const r = await raw();
    r.send(RawStream.header());
    const text = await r.waitForText('</stream:features>');
    expect(text).toMatch(/<starttls xmlns=["']urn:ietf:params:xml:ns:xmpp-tls["']><required\/><\/starttls>/);
    expect(text).not.toContain('<mechanisms');
  });

  it('refuses stanzas before authentication with not-authorized', async () => {
    const r = await raw();
    r.send(RawStream.header() + "<message to='alice@localhost'><body>hi</body></message>");
    await r.waitForText('<not-authorized xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>');
    await r.waitForClose();
  });

  it('answers a wrong domain with host-unknown', async () => {
    const r = await raw();
    r.send(RawStream.header('elsewhere.example'));
    await r.waitForText('<host-unknown');
    await r.waitForClose();
    // One stream header, then the error: a second header would be a second root element.
    expect(r.text.split('<stream:stream ').length - 1).toBe(1);
  });

  it('refuses a DTD with restricted-xml', async () => {
    const r = await raw();
    r.send(`<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "lol">]>` + RawStream.header().replace("<?xml version='1.0'?>", ''));
    await r.waitForText('<restricted-xml');
    await r.waitForClose();
  });

  it('refuses comments and processing instructions with restricted-xml', async () => {
    const a = await raw();
    a.send(RawStream.header() + '<!-- hello -->');
    await a.waitForText('<restricted-xml');
    const b = await raw();
    b.send(RawStream.header() + '<?evil stuff?>');
    await b.waitForText('<restricted-xml');
  });

  it('closes a malformed stream with not-well-formed', async () => {
    const r = await raw();
    r.send(RawStream.header() + '<message><body>oops</message>');
    await r.waitForText('<not-well-formed');
    await r.waitForClose();
  });

  it('refuses an undeclared entity with not-well-formed', async () => {
    const r = await raw();
    r.send(RawStream.header() + '<message><body>&xxe;</body></message>');
    await r.waitForText(/<not-well-formed|<restricted-xml/);
  });

  it('closes a stream whose stanza exceeds the size limit with policy-violation', async () => {
    const r = await raw();
    r.send(RawStream.header() + '<message><body>' + 'a'.repeat(300 * 1024));
    await r.waitForText('<policy-violation');
    await r.waitForClose();
  });

  it('closes a stream nested deeper than the limit with policy-violation', async () => {
    const r = await raw();
    r.send(RawStream.header() + '<message>' + '<x>'.repeat(100));
    await r.waitForText('<policy-violation');
  });

  it('logs in with SCRAM over STARTTLS and binds the requested resource', async () => {
    const client = await connectClient(server, { username: 'alice', password: 'wonderland', resource: 'laptop' });
    expect(client.jid).toBe('alice@localhost/laptop');
    await client.stop();
  });

  it('logs in over direct TLS and over WebSocket with a server-generated resource', async () => {
    const tls = await connectClient(server, { username: 'alice', password: 'wonderland', transport: 'tls' });
    const ws = await connectClient(server, { username: 'alice', password: 'wonderland', transport: 'websocket' });
    expect(tls.jid).toMatch(/^alice@localhost\/.+/);
    expect(ws.jid).toMatch(/^alice@localhost\/.+/);
    expect(tls.jid).not.toBe(ws.jid);
    await Promise.all([tls.stop(), ws.stop()]);
  });

  it('rejects a wrong password with not-authorized', async () => {
    await expect(connectClient(server, { username: 'alice', password: 'wrong' })).rejects.toThrow(/not-authorized/);
  });

  it('replaces a session binding the same full JID and sends the old one a conflict stream error', async () => {
    const first = await connectClient(server, { username: 'alice', password: 'wonderland', resource: 'phone' });
    const errors: string[] = [];
    first.raw.on('error', (err: Error) => errors.push(String(err)));
    const second = await connectClient(server, { username: 'alice', password: 'wonderland', resource: 'phone' });
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors.join()).toMatch(/conflict/);
    expect(server.server.context.sessions.get('alice@localhost/phone')).toBeDefined();
    await second.stop();
  });

  it('refuses a spoofed from with invalid-from', async () => {
    const client = await connectClient(server, { username: 'alice', password: 'wonderland' });
    const errors: string[] = [];
    client.raw.on('error', (err: Error) => errors.push(String(err)));
    await client.send(xml('message', { from: 'bob@localhost/x', to: 'alice@localhost' }, xml('body', {}, 'spoof')));
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors.join()).toMatch(/invalid-from/);
  });

  it('answers an IQ in an unknown namespace to the server with service-unavailable', async () => {
    const client = await connectClient(server, { username: 'alice', password: 'wonderland' });
    await expect(client.iq(xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'urn:example:nothing' })))).rejects.toThrow(/service-unavailable/);
    await client.stop();
  });
});
