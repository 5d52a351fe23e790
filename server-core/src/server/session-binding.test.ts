import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { ClientPool, xml } from '../../../test/support/xmpp-client';
import type { ClientSession } from '../session';

/** Resolves when the session of `fullJid` on this node is gone (routes and sessions updated). */
function destroyed(server: TestServer, fullJid: string): Promise<void> {
  return new Promise((resolve) => {
    const off = server.server.context.events.on('sessionDestroyed', (session: ClientSession) => {
      if (session.fullJid !== fullJid) return;
      off();
      resolve();
    });
  });
}

describe('binding a resource', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server);
  const login = (username: string, resource: string) => pool.login(username, resource);

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['alice', 'bob']) await server.createUser(user, `pw-${user}`);
  });
  afterAll(async () => {
    await pool.stopAll();
    await server?.stop();
  });

  test('an event listener that throws is skipped: every login completes and leaves no ghost route when it ends', async () => {
    const { context } = server.server;
    let calls = 0;
    const offThrowing = context.events.on('sessionCreated', () => {
      calls++;
      throw new Error('listener bug');
    });
    const offRejecting = context.events.on('sessionAvailable', async () => {
      throw new Error('async listener bug');
    });
    let later = 0;
    const offLater = context.events.on('sessionCreated', () => void later++);
    try {
      for (const resource of ['one', 'two']) {
        const alice = await login('alice', resource);
        await alice.send(xml('presence'));
        await alice.iq(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
        const fullJid = `alice@${server.domain}/${resource}`;
        expect(context.routes.get(fullJid)).toMatchObject({ node: context.nodeId });
        const gone = destroyed(server, fullJid);
        await alice.stop();
        await gone;
        expect(context.routes.get(fullJid)).toBeUndefined();
        expect(context.sessions.get(fullJid)).toBeUndefined();
      }
      expect(calls).toBe(2);
      expect(later).toBe(2);
    } finally {
      offThrowing();
      offRejecting();
      offLater();
    }
  });

  test('a bind that fails after publishing its route takes the route and the session back', async () => {
    const { context } = server.server;
    const original = context.updateRoute;
    const fullJid = `bob@${server.domain}/doomed`;
    Object.assign(context, {
      updateRoute: async (session: ClientSession) => {
        await original(session);
        throw new Error('route table write failed');
      },
    });
    try {
      await expect(login('bob', 'doomed')).rejects.toThrow();
    } finally {
      Object.assign(context, { updateRoute: original });
    }
    expect(context.routes.get(fullJid)).toBeUndefined();
    expect(context.sessions.get(fullJid)).toBeUndefined();
    const bob = await login('bob', 'doomed');
    expect(context.routes.get(fullJid)).toMatchObject({ node: context.nodeId });
    await bob.stop();
  });
});
