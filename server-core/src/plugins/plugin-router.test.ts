import { Element } from 'ltx';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { connectClient, type TestClient } from '../../../test/support/xmpp-client';
import { silentLogger } from '../log';
import { parseJid } from '../xml';
import { PluginConfigHandle } from './plugin-config';
import { createPluginContext } from './plugin-context';
import { Scope } from '../lifecycle/scope';
import type { PluginContext } from './types';

describe("a plugin's router", () => {
  let server: TestServer;
  let alice: TestClient;
  let ctx: PluginContext<unknown>;
  let scope: Scope;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('alice', 'pw-alice');
    alice = await connectClient(server, { username: 'alice', password: 'pw-alice', resource: 'pc' });
    scope = new Scope('plugin probe', silentLogger());
    ctx = createPluginContext({ name: 'probe', core: server.server.context, db: server.server.db, routes: server.server.plugins.routes, consoleExtensions: server.server.plugins.console, scope, config: new PluginConfigHandle({}), logger: silentLogger() });
  });
  afterAll(async () => {
    await scope?.dispose();
    await alice?.stop();
    await server?.stop();
  });

  const message = (id: string) => new Element('message', { to: `alice@${server.domain}/pc`, id, type: 'chat' }).c('body').t(id).up();
  const received = (id: string) => alice.waitFor((s) => s.is('message') && s.attrs.id === id, 5000, `message ${id}`);

  test('route(stanza) delivers it from the domain', async () => {
    await ctx.router.route(message('plain'));
    expect((await received('plain')).attrs.from).toBe(server.domain);
  });

  test('route(stanza, from) delivers it from the given sender', async () => {
    await ctx.router.route(message('given'), parseJid(`bot.${server.domain}`));
    expect((await received('given')).attrs.from).toBe(`bot.${server.domain}`);
  });
});
