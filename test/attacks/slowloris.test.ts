/**
 * Slowloris and connection hoarding: a stream must be bound within limits.streamSetupTimeoutMs
 * and may not fall silent for limits.preAuthIdleTimeoutMs before authenticating (both answered
 * with connection-timeout); one address may hold limits.connectionsPerAddress connections, of
 * which limits.unauthenticatedPerAddress unauthenticated (policy-violation beyond). Short limits
 * here keep the test quick; the defaults are in docs/security.md.
 */
import { startTestServer, type TestServer } from '../support/server-harness';
import { HonestClient, MAX_HONEST_SLOWDOWN, RawStream, streamHeader } from './attack-kit';
import { RAW_SIGN_IN_CONFIG, RawWebSocket, rawSession } from './raw-session';

const SETUP_MS = 1500;
const IDLE_MS = 600;
let server: TestServer;
let honest: HonestClient;

beforeAll(async () => {
  server = await startTestServer({
    config: {
      ...RAW_SIGN_IN_CONFIG,
      limits: { streamSetupTimeoutMs: SETUP_MS, preAuthIdleTimeoutMs: IDLE_MS, connectionsPerAddress: 10, unauthenticatedPerAddress: 4 },
    },
  });
  await server.createUser('honest', 'secret-1');
  await server.createUser('user', 'secret-u');
  honest = await HonestClient.connect(server, 'honest', 'secret-1');
  await honest.baseline();
});

afterAll(async () => {
  await honest.stop();
  await server.stop();
});

/** Sends one byte of `text` every `everyMs` until the connection closes. */
async function trickle(raw: RawStream, text: string, everyMs: number): Promise<void> {
  for (let i = 0; !raw.closed; i = (i + 1) % text.length) {
    await raw.write(text[i]);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

test('a connection that says nothing gets connection-timeout', async () => {
  const raw = await RawStream.connect(server.c2sPort);
  const opened = Date.now();
  expect(await raw.streamError(5 * IDLE_MS)).toBe('connection-timeout');
  expect(Date.now() - opened).toBeGreaterThanOrEqual(IDLE_MS);
  await raw.dispose();
});

test('a stream that opens and then falls silent before authenticating gets connection-timeout', async () => {
  const raw = await RawStream.open(server);
  expect(await raw.streamError(5 * IDLE_MS)).toBe('connection-timeout');
  await raw.dispose();
});

test('a stream header sent one byte at a time, each under the silence limit, gets connection-timeout at the setup deadline', async () => {
  const raw = await RawStream.connect(server.c2sPort);
  const opened = Date.now();
  const sending = trickle(raw, streamHeader(server.domain).repeat(10), IDLE_MS / 4);
  expect(await raw.streamError(5 * SETUP_MS)).toBe('connection-timeout');
  expect(Date.now() - opened).toBeGreaterThanOrEqual(SETUP_MS);
  await sending;
  await raw.dispose();
});

test('a signed-in stream that never binds a resource gets connection-timeout at the setup deadline', async () => {
  const raw = await RawStream.open(server);
  await raw.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from('\u0000user\u0000secret-u').toString('base64')}</auth>`);
  await raw.waitForText('<success');
  await raw.write(streamHeader(server.domain));
  expect(await raw.streamError(5 * SETUP_MS)).toBe('connection-timeout');
  await raw.dispose();
});

test('a bound session is not subject to the setup deadline', async () => {
  const raw = await rawSession(server, 'user', 'secret-u', 'stays');
  // Well past the deadline, the stream still answers a ping.
  await new Promise((resolve) => setTimeout(resolve, SETUP_MS + 500));
  await raw.write("<iq type='get' id='still-here'><ping xmlns='urn:xmpp:ping'/></iq>");
  await raw.waitForText("id='still-here'".replace(/'/g, '"'));
  expect(raw.received).not.toContain('<stream:error');
  await raw.dispose();
});

test('unauthenticated connections beyond limits.unauthenticatedPerAddress get policy-violation; the honest client is not slowed', async () => {
  await waitForAdmission();
  const hoard = await Promise.all(Array.from({ length: 4 }, () => RawStream.open(server)));
  const extra = await RawStream.connect(server.c2sPort);
  expect(await extra.streamError()).toBe('policy-violation');
  expect(extra.received).toContain('too many unauthenticated connections');
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  await Promise.all([...hoard, extra].map((raw) => raw.dispose()));
  // The slots are given back once those connections are gone.
  await waitForAdmission();
});

test('connections beyond limits.connectionsPerAddress get policy-violation, WebSocket too', async () => {
  // The honest client holds one slot; bound sessions fill the rest.
  await waitForAdmission();
  const sessions = [];
  for (let i = 0; i < 9; i++) sessions.push(await rawSession(server, 'user', 'secret-u', `r${i}`));
  const extra = await RawStream.connect(server.c2sPort);
  expect(await extra.streamError()).toBe('policy-violation');
  expect(extra.received).toContain('too many connections from your address');
  const extraWs = await RawWebSocket.connect(server.websocketUrl);
  expect(await extraWs.streamError()).toBe('policy-violation');
  expect(await honest.ratio()).toBeLessThan(MAX_HONEST_SLOWDOWN);
  await Promise.all([...sessions, extra].map((raw) => raw.dispose()));
  await extraWs.dispose();
  await waitForAdmission();
});

/** Resolves once a new connection from this address gets its stream features again. */
async function waitForAdmission(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const raw = await RawStream.connect(server.c2sPort);
    await raw.write(streamHeader(server.domain));
    const admitted = await raw.waitForText('</stream:features>', 2000).then(
      () => true,
      () => false,
    );
    await raw.dispose();
    if (admitted) return;
  }
  throw new Error('connections from this address are still refused');
}
