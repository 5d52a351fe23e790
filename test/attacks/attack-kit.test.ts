/** The attack kit itself: a raw stream sees the server's stream errors, an honest client's ping is measured. */
import { startTestServer, type TestServer } from '../support/server-harness';
import { HonestClient, RawStream, streamHeader } from './attack-kit';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { listeners: { c2s: { requireTls: false } } } });
  await server.createUser('honest', 'secret-1');
});

afterAll(() => server.stop());

test('a raw stream to an unknown domain gets host-unknown', async () => {
  const raw = await RawStream.connect(server.c2sPort);
  await raw.write(streamHeader('elsewhere.example'));
  expect(await raw.streamError()).toBe('host-unknown');
  await raw.dispose();
});

test('an honest client measures its ping against a baseline', async () => {
  const honest = await HonestClient.connect(server, 'honest', 'secret-1');
  expect(await honest.baseline(5)).toBeGreaterThan(0);
  const ratio = await honest.ratio(5);
  expect(ratio).toBeGreaterThan(0);
  expect(ratio).toBeLessThan(5);
  await honest.stop();
});
