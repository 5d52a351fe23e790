/**
 * Only UTF-8 is accepted (RFC 6120 11.6): bytes that are not UTF-8 end the stream with
 * not-well-formed instead of being replaced and delivered, and a declaration of another encoding
 * gets unsupported-encoding. A character split across two TCP writes is still one character.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { connectClient, xml, type TestClient } from '../support/xmpp-client';
import { HonestClient, MAX_HONEST_SLOWDOWN, RawStream, streamHeader } from './attack-kit';
import { RAW_SIGN_IN_CONFIG, RawWebSocket, rawSession } from './raw-session';

let server: TestServer;
let honest: HonestClient;
let bob: TestClient;
let marker = 0;

beforeAll(async () => {
  server = await startTestServer({ config: RAW_SIGN_IN_CONFIG });
  await server.createUser('mallory', 'secret-m');
  await server.createUser('bob', 'secret-b');
  await server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(server, 'honest', 'secret-1');
  await honest.baseline();
  bob = await connectClient(server, { username: 'bob', password: 'secret-b', resource: 'desk' });
});

afterAll(async () => {
  await Promise.all([honest.stop(), bob.stop()]);
  await server.stop();
});

async function markerReachesBob(): Promise<void> {
  marker += 1;
  const body = `marker ${marker}`;
  await honest.client.send(xml('message', { to: 'bob@localhost/desk', type: 'chat' }, xml('body', {}, body)));
  await bob.waitFor((s) => s.is('message') && s.getChildText('body') === body);
}

function fromMallory(): number {
  return bob.received.filter((s) => (s.attrs.from ?? '').startsWith('mallory@')).length;
}

function messageWith(bytes: number[]): Buffer {
  return Buffer.concat([Buffer.from("<message to='bob@localhost/desk' type='chat'><body>a"), Buffer.from(bytes), Buffer.from('b</body></message>')]);
}

const invalid: Array<[string, number[]]> = [
  ['a lone continuation byte', [0x80]],
  ['a truncated two-byte sequence', [0xc3]],
  ['an overlong encoding of "/"', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['the byte 0xFF', [0xff]],
];

describe.each(invalid)('%s in a message', (_name, bytes) => {
  test('ends the sender stream with not-well-formed and nothing reaches the recipient', async () => {
    const mallory = await rawSession(server, 'mallory', 'secret-m', 'evil');
    const before = fromMallory();
    await mallory.write(messageWith(bytes));
    expect(await mallory.streamError()).toBe('not-well-formed');
    await markerReachesBob();
    expect(fromMallory()).toBe(before);
    expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await mallory.dispose();
  });
});

test('a character split across two TCP writes arrives whole', async () => {
  const mallory = await rawSession(server, 'mallory', 'secret-m', 'split');
  mallory.socket.setNoDelay(true);
  const whole = messageWith([0xe2, 0x9c, 0x93]);
  const cut = whole.indexOf(0x9c);
  await mallory.write(whole.subarray(0, cut));
  await new Promise((resolve) => setImmediate(resolve));
  await mallory.write(whole.subarray(cut));
  const got = await bob.waitFor((s) => s.is('message') && (s.attrs.from ?? '').startsWith('mallory@') && s.getChildText('body') === 'a\u2713b');
  expect(got.getChildText('body')).toBe('a\u2713b');
  await mallory.dispose();
});

test("an XML declaration of encoding='UTF-16' gets unsupported-encoding", async () => {
  const raw = await RawStream.connect(server.c2sPort);
  await raw.write(streamHeader(server.domain).replace("<?xml version='1.0'?>", "<?xml version='1.0' encoding='UTF-16'?>"));
  expect(await raw.streamError()).toBe('unsupported-encoding');
  await raw.dispose();
});

test('a stream in UTF-16 (with its byte order mark) gets not-well-formed', async () => {
  const raw = await RawStream.connect(server.c2sPort);
  await raw.write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(streamHeader(server.domain), 'utf16le')]));
  expect(await raw.streamError()).toBe('not-well-formed');
  await raw.dispose();
});

test('invalid UTF-8 before sign-in gets not-well-formed', async () => {
  const raw = await RawStream.open(server);
  await raw.write(Buffer.from([0x3c, 0xc3, 0x28]));
  expect(await raw.streamError()).toBe('not-well-formed');
  await raw.dispose();
});

test('over WebSocket, a text frame that is not UTF-8 gets not-well-formed and nothing reaches the recipient', async () => {
  const mallory = await RawWebSocket.session(server, 'mallory', 'secret-m', 'ws-evil');
  const before = fromMallory();
  await mallory.send(Buffer.concat([Buffer.from("<message xmlns='jabber:client' to='bob@localhost/desk' type='chat'><body>a"), Buffer.from([0xc0, 0xaf]), Buffer.from('</body></message>')]));
  expect(await mallory.streamError()).toBe('not-well-formed');
  await markerReachesBob();
  expect(fromMallory()).toBe(before);
});
