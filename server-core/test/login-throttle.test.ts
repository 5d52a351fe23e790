import { startTestServer, type TestServer } from '../../test/support/server-harness';
import { connectClient } from '../../test/support/xmpp-client';

describe('failed-login throttle', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { limits: { loginAttemptsPerMinute: 2 }, auth: { loginFailureDelayMs: 0 } } });
    await server.createUser('carol', 'right');
  });
  afterAll(() => server.stop());

  it('refuses even the right password from an address with too many recent failures', async () => {
    await expect(connectClient(server, { username: 'carol', password: 'wrong1' })).rejects.toThrow(/not-authorized/);
    await expect(connectClient(server, { username: 'carol', password: 'wrong2' })).rejects.toThrow(/not-authorized/);
    await expect(connectClient(server, { username: 'carol', password: 'right' })).rejects.toThrow(/temporary-auth-failure/);
    expect(await server.server.context.stores.accounts.verifyPassword('carol', 'right')).toBe(true);
  });
});
