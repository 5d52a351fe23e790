/**
 * Remote servers that misbehave, played by raw sockets against a.localhost. The one domain they
 * claim, c.localhost, is served by a second node of ours whose dialback secret the test knows,
 * so it can make a correct key for the positive cases and the authoritative check is real.
 */
import { startNode, connectClient, passwordOf, xml, roundTrip, bodyIs, type TestNode, type TestClient } from '../../server-core/testing';
import { DialbackKeys } from '../../server-core/src/services/s2s';
import { freePort } from '../support/prosody';
import { RawPeer } from './raw-peer';

jest.setTimeout(30000);

const C_SECRET = 'the-dialback-secret-of-c.localhost';
let a: TestNode;
let c: TestNode;
let aPort: number;
let aDirectTlsPort: number;
let alice: TestClient;
const peers: RawPeer[] = [];

beforeAll(async () => {
  [aPort, aDirectTlsPort] = [await freePort(), await freePort()];
  const cPort = await freePort();
  const s2s = (port: number, peer: string, peerPort: number, secret?: string) => ({
    modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port }, ...(secret ? {} : { directTlsListener: { host: '127.0.0.1', port: aDirectTlsPort } }), routes: { [peer]: `127.0.0.1:${peerPort}` }, ...(secret ? { dialbackSecret: secret } : {}), stanzasPerSecond: 5, maxStanzaBytes: 10000, connectTimeoutMs: 3000 } } },
  });
  a = await startNode({ domain: 'a.localhost', config: s2s(aPort, 'c.localhost', cPort) });
  c = await startNode({ domain: 'c.localhost', config: s2s(cPort, 'a.localhost', aPort, C_SECRET) });
  await a.createUser('alice', passwordOf('alice'));
  alice = await connectClient(a, { username: 'alice', password: passwordOf('alice'), resource: 'r' });
  await alice.send(xml('presence'));
  await roundTrip(alice, 'a.localhost');
});

afterAll(async () => {
  for (const peer of peers) peer.destroy();
  await alice?.stop();
  await c?.stop();
  await a?.stop();
});

async function peer(): Promise<RawPeer> {
  const raw = await RawPeer.connect(aPort);
  peers.push(raw);
  return raw;
}

/** A peer that passed dialback as c.localhost with a key c.localhost really made. */
async function authenticatedAsC(): Promise<RawPeer> {
  const raw = await peer();
  const id = await raw.negotiateTls('c.localhost', 'a.localhost');
  raw.send(`<db:result from='c.localhost' to='a.localhost'>${new DialbackKeys(C_SECRET).make('a.localhost', 'c.localhost', id)}</db:result>`);
  await raw.waitFor(/<db:result[^>]*type=["']valid["']/);
  return raw;
}

const message = (from: string, to: string, body: string) => `<message from='${from}' to='${to}' type='chat'><body>${body}</body></message>`;

test('garbage on the stream: not-well-formed, then the connection closes', async () => {
  const raw = await peer();
  raw.open('c.localhost', 'a.localhost');
  await raw.waitFor(/<stream:features/);
  raw.send('<message><<not xml');
  await raw.waitFor(/<stream:error[^>]*><not-well-formed xmlns=["']urn:ietf:params:xml:ns:xmpp-streams["']\/>/);
  await raw.waitForClose();
});

test('a wrong dialback key: db:result type=invalid, and stanzas are not routed', async () => {
  const raw = await peer();
  await raw.negotiateTls('c.localhost', 'a.localhost');
  raw.send(`<db:result from='c.localhost' to='a.localhost'>${'0'.repeat(64)}</db:result>`);
  await raw.waitFor(/<db:result[^>]*type=["']invalid["']/);
  raw.send(message('carol@c.localhost/x', 'alice@a.localhost/r', 'forged'));
  await raw.waitFor(/<stream:error[^>]*><not-authorized/);
  await raw.waitForClose();
  await roundTrip(alice, 'a.localhost');
  expect(alice.received.some(bodyIs('forged'))).toBe(false);
});

test('a correct key: accepted, and its stanzas reach the user in the order sent', async () => {
  const raw = await authenticatedAsC();
  const bodies = Array.from({ length: 8 }, (_, i) => `genuine ${i}`);
  raw.send(bodies.map((body) => message('carol@c.localhost/x', 'alice@a.localhost/r', body)).join(''));
  await alice.waitFor(bodyIs('genuine 7'), 10000, 'alice: the messages from the authenticated peer');
  expect(alice.received.filter((s) => s.is('message') && s.getChildText('body')?.startsWith('genuine')).map((s) => s.getChildText('body'))).toEqual(bodies);
});

test('a spoofed from domain: invalid-from, and nothing is routed', async () => {
  const raw = await authenticatedAsC();
  raw.send(message('mallory@evil.localhost/x', 'alice@a.localhost/r', 'spoofed'));
  await raw.waitFor(/<stream:error[^>]*><invalid-from/);
  await raw.waitForClose();
  await roundTrip(alice, 'a.localhost');
  expect(alice.received.some(bodyIs('spoofed'))).toBe(false);
});

test('a to at a domain we do not serve: host-unknown; a stanza without from: improper-addressing', async () => {
  const first = await authenticatedAsC();
  first.send(message('carol@c.localhost/x', 'someone@elsewhere.localhost', 'relay?'));
  await first.waitFor(/<stream:error[^>]*><host-unknown/);
  const second = await authenticatedAsC();
  second.send(`<message to='alice@a.localhost/r'><body>anonymous</body></message>`);
  await second.waitFor(/<stream:error[^>]*><improper-addressing/);
});

test('a stream header for a domain we do not serve: host-unknown', async () => {
  const raw = await peer();
  raw.open('c.localhost', 'not-here.localhost');
  await raw.waitFor(/<stream:error[^>]*><host-unknown/);
  await raw.waitForClose();
});

test('dialback before STARTTLS is refused while TLS is required', async () => {
  const raw = await peer();
  raw.open('c.localhost', 'a.localhost');
  await raw.waitFor(/<\/stream:features>/);
  raw.send(`<db:result from='c.localhost' to='a.localhost'>${'0'.repeat(64)}</db:result>`);
  await raw.waitFor(/<stream:error[^>]*><policy-violation/);
});

test('a peer sending faster than stanzasPerSecond: policy-violation', async () => {
  const raw = await authenticatedAsC();
  // The bucket holds twice the rate (10); the eleventh stanza sent at once is over it.
  for (let i = 0; i < 11; i++) raw.send(message('carol@c.localhost/x', 'alice@a.localhost/r', `burst ${i}`));
  await raw.waitFor(/<stream:error[^>]*><policy-violation[^]*faster than allowed/);
});

test('a stanza larger than maxStanzaBytes: policy-violation', async () => {
  const raw = await authenticatedAsC();
  raw.send(message('carol@c.localhost/x', 'alice@a.localhost/r', 'x'.repeat(12000)));
  await raw.waitFor(/<stream:error[^>]*><policy-violation[^]*larger than 10000 bytes/);
  await raw.waitForClose();
});

test('dialback claiming our own domain: invalid-from', async () => {
  const raw = await peer();
  await raw.negotiateTls('a.localhost', 'a.localhost');
  raw.send(`<db:result from='a.localhost' to='a.localhost'>${'0'.repeat(64)}</db:result>`);
  await raw.waitFor(/<stream:error[^>]*><invalid-from/);
});

test('a peer that never authenticates: connection-timeout after connectTimeoutMs', async () => {
  const raw = await peer();
  raw.open('c.localhost', 'a.localhost');
  await raw.waitFor(/<stream:error[^>]*><connection-timeout/, 10000);
  await raw.waitForClose();
});

test('more streams than maxIncomingStreams: resource-constraint', async () => {
  const port = await freePort();
  const limited = await startNode({ domain: 'limited.localhost', config: { modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port }, maxIncomingStreams: 2 } } } } });
  try {
    const open: RawPeer[] = [];
    for (let i = 0; i < 2; i++) {
      const raw = await RawPeer.connect(port);
      peers.push(raw);
      raw.open('c.localhost', 'limited.localhost');
      await raw.waitFor(/<stream:features/);
      open.push(raw);
    }
    const third = await RawPeer.connect(port);
    peers.push(third);
    third.open('c.localhost', 'limited.localhost');
    await third.waitFor(/<stream:error[^>]*><resource-constraint/);
    await third.waitForClose();
    expect(open.some((raw) => raw.closed)).toBe(false);
  } finally {
    await limited.stop();
  }
});

test('the direct TLS listener (XEP-0368): no STARTTLS offered, dialback accepted at once', async () => {
  const raw = await RawPeer.connectTls(aDirectTlsPort, 'a.localhost');
  peers.push(raw);
  raw.open('c.localhost', 'a.localhost');
  const [, id] = await raw.waitFor(/<stream:stream[^>]* id=["']([^"']+)["']/);
  const [features] = await raw.waitFor(/<stream:features>[^]*<\/stream:features>/);
  expect(features).not.toContain('starttls');
  expect(features).toContain('urn:xmpp:features:dialback');
  raw.send(`<db:result from='c.localhost' to='a.localhost'>${new DialbackKeys(C_SECRET).make('a.localhost', 'c.localhost', id)}</db:result>`);
  await raw.waitFor(/<db:result[^>]*type=["']valid["']/);
  raw.send(message('carol@c.localhost/x', 'alice@a.localhost/r', 'over direct TLS'));
  await alice.waitFor(bodyIs('over direct TLS'), 10000, 'alice: the message over direct TLS');
});
