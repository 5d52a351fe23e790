import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { RawStream } from './raw-stream';

describe('keepalives and idle streams', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { limits: { keepaliveIntervalMs: 300, idleTimeoutMs: 1500 } } });
  });
  afterAll(() => server.stop());

  it('writes whitespace keepalives on a quiet stream, then closes it with connection-timeout', async () => {
    const raw = await RawStream.connect(server.c2sPort);
    raw.send(RawStream.header());
    await raw.waitForText('</stream:features>');
    const afterFeatures = raw.text.length;
    await raw.waitForText('<connection-timeout', 5000);
    await raw.waitForClose();
    // Until the idle limit, the server wrote whitespace and nothing else.
    expect(raw.text.slice(afterFeatures, raw.text.indexOf('<stream:error'))).toMatch(/^ +$/);
  });

  it('keeps a stream that sends whitespace open', async () => {
    const raw = await RawStream.connect(server.c2sPort);
    raw.send(RawStream.header());
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 300));
      raw.send(' ');
    }
    expect(raw.text).not.toContain('connection-timeout');
    expect(raw.isClosed).toBe(false);
    raw.destroy();
  });
});
