/**
 * Memory exhaustion before and after sign-in: everything the parser holds counts against
 * limits.maxStanzaBytes from the first byte, whitespace keepalives cost nothing, and the memory
 * of a refused stream is given back.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { HonestClient, MAX_HONEST_SLOWDOWN, RawStream, streamHeader } from './attack-kit';
import { RAW_SIGN_IN_CONFIG, RawWebSocket } from './raw-session';
import { MiB, settledHeap } from './heap';

const LIMIT = 262144;
let server: TestServer;
let honest: HonestClient;

beforeAll(async () => {
  server = await startTestServer({ config: RAW_SIGN_IN_CONFIG });
  await server.createUser('honest', 'secret-1');
  honest = await HonestClient.connect(server, 'honest', 'secret-1');
  await honest.baseline();
});

afterAll(async () => {
  await honest.stop();
  await server.stop();
});

/** Writes `total` bytes made of `piece` in 64 KiB writes, stopping early if the server hangs up. */
async function pour(raw: RawStream, piece: string, total: number): Promise<void> {
  const chunk = piece.repeat(Math.ceil(65536 / piece.length));
  for (let sent = 0; sent < total && !raw.closed; sent += chunk.length) await raw.write(chunk);
}

/** Runs the attack while the honest client pings; returns its slowdown ratio. */
async function honestRatioDuring(attack: () => Promise<unknown>): Promise<number> {
  const [ratio] = await Promise.all([honest.ratio(), attack()]);
  return ratio;
}

const unfinished: Array<[string, (domain: string) => string, string]> = [
  ['whitespace before the stream header', () => '', ' '],
  ['a DOCTYPE that never ends', () => "<?xml version='1.0'?><!DOCTYPE stream [", 'x'],
  ['a stream header that never ends', (domain) => streamHeader(domain).slice(0, -1) + " pad='", 'x'],
  ['an opening tag that never ends', (domain) => streamHeader(domain) + "<message to='a@localhost' body='", 'x'],
  ['an element name that never ends', (domain) => streamHeader(domain) + '<message', 'x'],
  ['a comment that never ends', (domain) => streamHeader(domain) + '<!--', 'x'],
  ['text between stanzas', (domain) => streamHeader(domain), 'x'],
  ['an entity that never ends', (domain) => streamHeader(domain) + '&', 'x'],
  ['text inside a stanza that never closes', (domain) => streamHeader(domain) + '<message><body>', 'x'],
];

describe.each(unfinished)('%s', (_name, prefix, filler) => {
  test('is refused with policy-violation once past limits.maxStanzaBytes, and the honest client is not slowed', async () => {
    const raw = await RawStream.connect(server.c2sPort);
    await raw.write(prefix(server.domain));
    const ratio = await honestRatioDuring(() => pour(raw, filler, 4 * LIMIT));
    expect(await raw.streamError()).toBe('policy-violation');
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await raw.dispose();
  });
});

test('a stream header with 100,000 attributes is refused with policy-violation', async () => {
  const raw = await RawStream.connect(server.c2sPort);
  const attributes = Array.from({ length: 100000 }, (_, i) => ` a${i}='1'`).join('');
  void raw.write(streamHeader(server.domain).slice(0, -1) + attributes + '>');
  expect(await raw.streamError()).toBe('policy-violation');
  await raw.dispose();
});

test('a stanza with 1,000 attributes is refused with policy-violation', async () => {
  const raw = await RawStream.open(server);
  const attributes = Array.from({ length: 1000 }, (_, i) => ` a${i}='1'`).join('');
  await raw.write(`<message${attributes}/>`);
  expect(await raw.streamError()).toBe('policy-violation');
  await raw.dispose();
});

test('50 MB of whitespace keepalives on five streams costs the node no memory and the streams stay open', async () => {
  const before = await settledHeap();
  const streams = await Promise.all(Array.from({ length: 5 }, () => RawStream.open(server)));
  const ratio = await honestRatioDuring(() => Promise.all(streams.map((raw) => pour(raw, ' \n\t', 10 * MiB))));
  const grown = (await settledHeap()) - before;
  // Each stream is still open and answers its close: everything was read and none was refused.
  await Promise.all(streams.map((raw) => raw.write('</stream:stream>')));
  await Promise.all(streams.map((raw) => raw.waitForText('</stream:stream>', 10000)));
  for (const raw of streams) expect(raw.received).not.toContain('<stream:error');
  expect(grown).toBeLessThan(10 * MiB);
  expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
  await Promise.all(streams.map((raw) => raw.dispose()));
});

test('ten streams each refused after filling their budget give their memory back', async () => {
  const before = await settledHeap();
  const streams = await Promise.all(Array.from({ length: 10 }, () => RawStream.open(server)));
  await Promise.all(streams.map((raw) => raw.write("<message body='")));
  await Promise.all(streams.map((raw) => pour(raw, 'y', 2 * LIMIT)));
  for (const raw of streams) expect(await raw.streamError()).toBe('policy-violation');
  await Promise.all(streams.map((raw) => raw.dispose()));
  expect((await settledHeap()) - before).toBeLessThan(4 * MiB);
});

describe('over WebSocket', () => {
  test('50 MB of whitespace frames on five connections costs no memory and the streams stay open', async () => {
    const before = await settledHeap();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => RawWebSocket.open(server)));
    const frame = ' '.repeat(200 * 1024);
    const ratio = await honestRatioDuring(() =>
      Promise.all(
        sockets.map(async (raw) => {
          for (let sent = 0; sent < 10 * MiB; sent += frame.length) await raw.send(frame);
        }),
      ),
    );
    const grown = (await settledHeap()) - before;
    await Promise.all(sockets.map((raw) => raw.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")));
    await Promise.all(sockets.map((raw) => raw.waitForText('<close', 10000)));
    for (const raw of sockets) expect(raw.received).not.toContain('<stream:error');
    expect(grown).toBeLessThan(10 * MiB);
    expect(ratio).toBeLessThan(MAX_HONEST_SLOWDOWN);
    await Promise.all(sockets.map((raw) => raw.dispose()));
  });

  test('a frame that ends inside an element is refused with not-well-formed', async () => {
    const raw = await RawWebSocket.open(server);
    await raw.send(`<message xmlns='jabber:client' body='${'x'.repeat(1000)}`);
    expect(await raw.streamError()).toBe('not-well-formed');
  });

  test('a frame larger than limits.maxStanzaBytes is refused by the WebSocket layer (close code 1009)', async () => {
    const raw = await RawWebSocket.open(server);
    await raw.send(' '.repeat(LIMIT + 1));
    expect(await raw.whenClosed()).toBe(1009);
  });

  test('a frame with 1,000 attributes on <open/> is refused with policy-violation', async () => {
    const raw = await RawWebSocket.connect(server.websocketUrl);
    const attributes = Array.from({ length: 1000 }, (_, i) => ` a${i}='1'`).join('');
    await raw.send(RawWebSocket.openFrame(server.domain).replace('/>', `${attributes}/>`));
    expect(await raw.streamError()).toBe('policy-violation');
  });
});
