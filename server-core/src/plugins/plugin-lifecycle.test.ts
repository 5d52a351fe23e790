import path from 'node:path';
import type { Element } from 'ltx';
import { startTestServer, type TestServer } from '../../../test/support/server-harness';
import { ClientPool, xml } from '../../../test/support/xmpp-client';
import { FAILING_NS } from './test-plugins/failing';

const REPO = path.resolve(__dirname, '../../..');
const MOTD = path.join(REPO, 'plugins/motd');
const ECHO = path.join(REPO, 'plugins/echo-component');
const FAILING = path.join(__dirname, 'test-plugins/failing');
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

const isHeadline = (stanza: Element) => stanza.name === 'message' && stanza.attrs.type === 'headline';
const motdQuery = () => xml('motd', { xmlns: 'urn:example:motd' });
/** The <query/> payload of an IQ result. */
const queryOf = (iq: Element) => iq.getChild('query')!;

describe('plugins at run time', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server);
  const login = (username: string, resource: string) => pool.login(username, resource);

  beforeAll(async () => {
    server = await startTestServer({
      config: {
        plugins: [
          { name: 'motd', path: MOTD, config: { text: 'Welcome to the pilot' } },
          { name: 'echo-component', path: ECHO, config: { prefix: 'echo: ' } },
          { name: 'failing', path: FAILING },
        ],
      },
    });
    for (const user of ['alice', 'bob', 'carol', 'dave']) await server.createUser(user, `pw-${user}`);
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
    await alice.send(xml('message', { to: `echo.${server.domain}`, type: 'chat' }, xml('body', {}, 'still here?')));
    await alice.waitFor((s) => s.getChildText('body') === 'echo: still here?');
  });

  test('a user coming online gets the message of the day from motd.<domain>', async () => {
    const bob = await login('bob', 'pc');
    await bob.send(xml('presence'));
    const headline = await bob.waitFor(isHeadline);
    expect(headline.attrs.from).toBe(`motd.${server.domain}`);
    expect(headline.getChildText('body')).toBe('Welcome to the pilot');
  });

  test('the motd IQ answers with the text, and the server lists both components in disco#items', async () => {
    const carol = await login('carol', 'pc');
    const answer = await carol.iq(xml('iq', { type: 'get', to: server.domain }, motdQuery()));
    expect(answer.getChild('motd')?.text()).toBe('Welcome to the pilot');
    const items = await carol.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_ITEMS })));
    const jids = queryOf(items).getChildren('item').map((item) => item.attrs.jid);
    expect(jids).toEqual(expect.arrayContaining([`motd.${server.domain}`, `echo.${server.domain}`]));
    const features = queryOf(await carol.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_INFO })))).getChildren('feature');
    expect(features.map((f) => f.attrs.var)).toContain('urn:example:motd');
  });

  test('the echo component answers disco#info, pings, and echoes messages', async () => {
    const dave = await login('dave', 'pc');
    const info = await dave.iq(xml('iq', { type: 'get', to: `echo.${server.domain}` }, xml('query', { xmlns: DISCO_INFO })));
    expect(queryOf(info).getChild('identity')?.attrs).toMatchObject({ category: 'component', type: 'generic', name: 'Echo service' });
    expect(queryOf(info).getChildren('feature').map((f) => f.attrs.var)).toEqual(expect.arrayContaining([DISCO_INFO, DISCO_ITEMS, 'urn:xmpp:ping']));
    await dave.iq(xml('iq', { type: 'get', to: `echo.${server.domain}` }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    await expect(dave.iq(xml('iq', { type: 'get', to: `echo.${server.domain}` }, xml('query', { xmlns: 'jabber:iq:version' })))).rejects.toThrow(/service-unavailable/);
    await dave.send(xml('message', { to: `anyone@echo.${server.domain}`, type: 'chat', id: 'e1' }, xml('body', {}, 'hello')));
    const echoed = await dave.waitFor((s) => s.name === 'message' && s.attrs.id === 'e1');
    expect(echoed.attrs.from).toBe(`anyone@echo.${server.domain}`);
    expect(echoed.getChildText('body')).toBe('echo: hello');
  });

  test('reconfiguring applies the new text at once, without a restart of motd', async () => {
    const change = await server.server.plugins.reconfigure('motd', { text: 'Maintenance at 18:00' });
    expect(change.plugin).toMatchObject({ state: 'running', config: { text: 'Maintenance at 18:00' } });
    expect(change.nodes).toEqual([{ nodeId: server.server.context.nodeId, ok: true, state: 'running', error: null }]);
    const alice = await login('alice', 'reconfigured');
    const answer = await alice.iq(xml('iq', { type: 'get', to: server.domain }, motdQuery()));
    expect(answer.getChild('motd')?.text()).toBe('Maintenance at 18:00');
    await alice.send(xml('presence'));
    expect((await alice.waitFor(isHeadline)).getChildText('body')).toBe('Maintenance at 18:00');
  });

  test('an invalid config is refused with the field named, and the running config stays', async () => {
    await expect(server.server.plugins.reconfigure('motd', { text: '' })).rejects.toMatchObject({ kind: 'invalid-config', issues: [{ field: 'text', message: 'must not be empty' }] });
    await expect(server.server.plugins.reconfigure('motd', { text: 'ok', colour: 'red' })).rejects.toMatchObject({ kind: 'invalid-config' });
    expect(server.server.plugins.get('motd')?.config).toEqual({ text: 'Maintenance at 18:00' });
  });

  test('after disable the component, its disco item, the IQ handler and the headline are gone', async () => {
    await server.server.plugins.disable('motd');
    expect(server.server.plugins.get('motd')).toMatchObject({ enabled: false, state: 'stopped' });
    const bob = await login('bob', 'after-disable');
    await expect(bob.iq(xml('iq', { type: 'get', to: server.domain }, motdQuery()))).rejects.toThrow(/service-unavailable/);
    await expect(bob.iq(xml('iq', { type: 'get', to: `motd.${server.domain}` }, xml('query', { xmlns: DISCO_INFO })))).rejects.toThrow(/remote-server-not-found/);
    const items = await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: DISCO_ITEMS })));
    expect(queryOf(items).getChildren('item').map((item) => item.attrs.jid)).not.toContain(`motd.${server.domain}`);
    await bob.send(xml('presence'));
    // Ping round trip: everything the server would send for that presence was sent before the answer.
    await bob.iq(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(bob.received.some(isHeadline)).toBe(false);
  });

  test('enabling again restores it with the stored config', async () => {
    await server.server.plugins.enable('motd');
    const carol = await login('carol', 'after-enable');
    const answer = await carol.iq(xml('iq', { type: 'get', to: server.domain }, motdQuery()));
    expect(answer.getChild('motd')?.text()).toBe('Maintenance at 18:00');
  });

  test('an unknown plugin name is an error of kind not-found', async () => {
    await expect(server.server.plugins.enable('nope')).rejects.toMatchObject({ kind: 'not-found' });
  });
});
