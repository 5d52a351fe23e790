import { startTestServer } from '../../../../test/support/server-harness';
import { connectClient, xml } from '../../../../test/support/xmpp-client';
import { errorCondition } from '../../../testing/world';

/** Federation is off unless enabled, and a wrong setting fails the start naming the key and what is expected. */
describe('the s2s module config', () => {
  test('off by default: a remote domain is unreachable', async () => {
    const server = await startTestServer();
    try {
      expect(server.server.plugins.get('s2s')?.enabled).toBe(false);
      expect(server.server.context.services.ref('s2s').current).toBeUndefined();
      await server.createUser('alice', 'alice-password');
      const alice = await connectClient(server, { username: 'alice', password: 'alice-password' });
      try {
        await alice.send(xml('message', { to: 'bob@remote.example', id: 'm1' }, xml('body', {}, 'hi')));
        const error = await alice.waitFor((s) => s.is('message') && s.attrs.type === 'error' && s.attrs.id === 'm1', 5000, 'the error');
        expect(errorCondition(error)).toBe('remote-server-not-found');
      } finally {
        await alice.stop();
      }
    } finally {
      await server.stop();
    }
  });

  test.each([
    [{ routes: { 'b.example': 'b.example' } }, /routes\.b\.example.*expected "host:port"/],
    [{ routes: { 'not a domain': '10.0.0.1:5269' } }, /routes.*expected a domain/],
    [{ listener: { port: 70000 } }, /listener.*port/],
    [{ dialbackSecret: 'short' }, /dialbackSecret.*at least 16 characters/],
    [{ maxStanzaBytes: 100 }, /maxStanzaBytes.*at least 10000/],
    [{ rotues: {} }, /rotues/],
  ])('%j is refused with a message naming it', async (config, message) => {
    await expect(startTestServer({ config: { modules: { s2s: { enabled: true, config: { listener: { host: '127.0.0.1', port: 0 }, ...config } } } } })).rejects.toThrow(message);
  });
});
