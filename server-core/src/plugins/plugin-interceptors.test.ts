import path from 'node:path';
import type { Element } from 'ltx';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { connectClient, xml, type TestClient } from '../../../test/support/xmpp-client';

const PROBE = path.join(__dirname, '../../test/plugins/interceptor-probe');

const bodyIs = (text: string) => (stanza: Element) => stanza.name === 'message' && stanza.getChildText('body') === text;
const errorOf = (stanza: Element) => stanza.getChild('error')?.children.find((c): c is Element => typeof c !== 'string' && c.name !== 'text')?.name;

describe('plugin packet interceptors', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ config: { plugins: [{ name: 'interceptor-probe', path: PROBE }] } });
    await server.createUser('alice', 'secret-a');
    await server.createUser('bob', 'secret-b');
    alice = await connectClient(server, { username: 'alice', password: 'secret-a', resource: 'pc' });
    bob = await connectClient(server, { username: 'bob', password: 'secret-b', resource: 'pc' });
    await alice.send(xml('presence'));
    await bob.send(xml('presence'));
  });
  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await server?.stop();
  });

  const chat = (body: string, id?: string) => xml('message', { to: `alice@${server.domain}/pc`, type: 'chat', ...(id ? { id } : {}) }, xml('body', {}, body));

  test('the plugin is running', () => {
    expect(server.server.plugins.get('interceptor-probe')).toMatchObject({ state: 'running', error: null });
  });

  test('a rejected stanza never arrives and the sender gets the error', async () => {
    await bob.send(chat('this is forbidden', 'rejected-1'));
    const error = await bob.waitFor((s) => s.name === 'message' && s.attrs.type === 'error' && s.attrs.id === 'rejected-1');
    expect(errorOf(error)).toBe('policy-violation');
    await bob.send(chat('after the rejection'));
    await alice.waitFor(bodyIs('after the rejection'));
    expect(alice.received.some((s) => s.getChildText('body')?.includes('forbidden'))).toBe(false);
  });

  test('a rewritten stanza arrives rewritten', async () => {
    await bob.send(chat('oh darn it'));
    const got = await alice.waitFor(bodyIs('oh d*rn it'));
    expect(got.attrs.from).toBe(`bob@${server.domain}/pc`);
  });

  test('interceptors run by priority, higher first, whatever the registration order', async () => {
    await bob.send(chat('order'));
    await alice.waitFor(bodyIs('order high low'));
  });

  test('an interceptor that throws does not stop delivery', async () => {
    await bob.send(chat('boom goes the interceptor'));
    await alice.waitFor(bodyIs('boom goes the interceptor'));
  });

  test('after disable the interceptors are gone: forbidden words pass untouched', async () => {
    const before = server.server.context.interceptors.count;
    await server.server.plugins.disable('interceptor-probe');
    expect(server.server.context.interceptors.count).toBe(before - 5);
    await bob.send(chat('forbidden darn order'));
    await alice.waitFor(bodyIs('forbidden darn order'));
    await server.server.plugins.enable('interceptor-probe');
    await bob.send(chat('darn again'));
    await alice.waitFor(bodyIs('d*rn again'));
  });
});
