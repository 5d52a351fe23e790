import path from 'node:path';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { ClientPool, xml } from '../../../test/support/xmpp-client';
import { FAILING_NS } from '../../test/plugins/failing';
import { EVERYTHING_NS } from '../../test/plugins/everything';

const EVERYTHING = path.join(__dirname, '../../test/plugins/everything');
const FAILING = path.join(__dirname, '../../test/plugins/failing');
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

const labelQuery = () => xml('query', { xmlns: EVERYTHING_NS });

describe('plugins at run time', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server);
  const login = (username: string, resource: string) => pool.login(username, resource);
  const component = () => `everything.${server.domain}`;

  beforeAll(async () => {
    server = await startTestServer({
      config: {
        plugins: [
          { name: 'everything', path: EVERYTHING, config: { label: 'Welcome to the pilot' } },
          { name: 'failing', path: FAILING },
        ],
      },
    });
    for (const user of ['alice', 'bob', 'carol']) await server.createUser(user, `pw-${user}`);
  });
  afterAll(async () => {
    await pool.stopAll();
    await server?.stop();
  });

  test('a plugin that throws in start is reported failed, its registrations undone, and the server keeps serving', async () => {
    expect(server.server.plugins.get('failing')).toMatchObject({ state: 'failed', error: 'cannot reach its backend' });
    expect(server.server.context.router.hasComponent(`doomed.${server.domain}`)).toBe(false);
    expect(server.server.context.iqHandlers.find('server', FAILING_NS)).toBeUndefined();
    const alice = await login('alice', 'failing');
    await expect(alice.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: FAILING_NS })))).rejects.toThrow(/service-unavailable/);
    const answer = await alice.iq(xml('iq', { type: 'get', to: server.domain }, labelQuery()));
    expect(answer.getChildText('query')).toBe('Welcome to the pilot');
  });

  test("a running plugin's IQ handler, component and disco entries answer", async () => {
    const bob = await login('bob', 'pc');
    const info = await bob.iq(xml('iq', { type: 'get', to: component() }, xml('query', { xmlns: DISCO_INFO })));
    expect(info.getChild('query')!.getChild('identity')?.attrs).toMatchObject({ category: 'component', name: 'Everything' });
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain(EVERYTHING_NS);
    const items = await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_ITEMS })));
    expect(items.getChild('query')!.getChildren('item').map((item) => item.attrs.jid)).toContain(component());
    const features = await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_INFO })));
    expect(features.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain(EVERYTHING_NS);
  });

  test('reconfiguring applies the new config at once, without a restart of the plugin', async () => {
    const change = await server.server.plugins.reconfigure('everything', { label: 'Maintenance at 18:00' });
    expect(change.plugin).toMatchObject({ state: 'running', config: { label: 'Maintenance at 18:00' } });
    expect(change.nodes).toEqual([{ nodeId: server.server.context.nodeId, ok: true, state: 'running', error: null }]);
    const alice = await login('alice', 'reconfigured');
    expect((await alice.iq(xml('iq', { type: 'get', to: server.domain }, labelQuery()))).getChildText('query')).toBe('Maintenance at 18:00');
  });

  test('an invalid config is refused with the field named, and the running config stays', async () => {
    await expect(server.server.plugins.reconfigure('everything', { label: '' })).rejects.toMatchObject({ kind: 'invalid-config', issues: [{ field: 'label', message: 'must not be empty, got ""' }] });
    await expect(server.server.plugins.reconfigure('everything', { label: 'ok', colour: 'red' })).rejects.toMatchObject({ kind: 'invalid-config' });
    expect(server.server.plugins.get('everything')?.config).toEqual({ label: 'Maintenance at 18:00' });
  });

  test('after disable its component, disco item, disco feature and IQ handler are gone', async () => {
    await server.server.plugins.disable('everything');
    expect(server.server.plugins.get('everything')).toMatchObject({ enabled: false, state: 'stopped' });
    const bob = await login('bob', 'after-disable');
    await expect(bob.iq(xml('iq', { type: 'get', to: server.domain }, labelQuery()))).rejects.toThrow(/service-unavailable/);
    await expect(bob.iq(xml('iq', { type: 'get', to: component() }, xml('query', { xmlns: DISCO_INFO })))).rejects.toThrow(/remote-server-not-found/);
    const items = await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_ITEMS })));
    expect(items.getChild('query')!.getChildren('item').map((item) => item.attrs.jid)).not.toContain(component());
    const features = await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_INFO })));
    expect(features.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).not.toContain(EVERYTHING_NS);
  });

  test('enabling again restores it with the stored config', async () => {
    await server.server.plugins.enable('everything');
    const carol = await login('carol', 'after-enable');
    expect((await carol.iq(xml('iq', { type: 'get', to: server.domain }, labelQuery()))).getChildText('query')).toBe('Maintenance at 18:00');
  });

  test('an unknown plugin name is an error of kind not-found', async () => {
    await expect(server.server.plugins.enable('nope')).rejects.toMatchObject({ kind: 'not-found' });
  });
});
