/** The echo component on a real node, with a real client: disco, ping, echoes, and its address setting. */
import path from 'node:path';
import { startWorld, xml, type World } from '@asterisk-im/server-core/testing';

const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const FOLDER = path.resolve(__dirname, '..');

describe('the echo component', () => {
  let world: World;
  const echo = () => `echo.${world.domain}`;

  beforeAll(async () => {
    world = await startWorld(['dave'], { plugins: [{ name: 'echo-component', path: FOLDER, config: { prefix: 'echo: ' } }] });
  });
  afterAll(() => world?.stop());

  test('answers disco#info and pings, and refuses what it does not offer', async () => {
    const dave = await world.online('dave', 'disco', { priority: null });
    const info = (await dave.iq(xml('iq', { type: 'get', to: echo() }, xml('query', { xmlns: DISCO_INFO })))).getChild('query')!;
    expect(info.getChild('identity')?.attrs).toMatchObject({ category: 'component', type: 'generic', name: 'Echo service' });
    expect(info.getChildren('feature').map((f) => f.attrs.var)).toEqual(expect.arrayContaining([DISCO_INFO, DISCO_ITEMS, 'urn:xmpp:ping']));
    await dave.iq(xml('iq', { type: 'get', to: echo() }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    await expect(dave.iq(xml('iq', { type: 'get', to: echo() }, xml('query', { xmlns: 'jabber:iq:version' })))).rejects.toThrow(/service-unavailable/);
  });

  test('sends every message back from the address it was sent to, with the prefix', async () => {
    const dave = await world.online('dave', 'chat');
    await dave.send(xml('message', { to: `anyone@${echo()}`, type: 'chat', id: 'e1' }, xml('body', {}, 'hello')));
    const echoed = await dave.waitFor((s) => s.name === 'message' && s.attrs.id === 'e1');
    expect(echoed.attrs).toMatchObject({ from: `anyone@${echo()}`, to: `dave@${world.domain}/chat`, type: 'chat' });
    expect(echoed.getChildText('body')).toBe('echo: hello');
  });

  test('a new address moves the component', async () => {
    await world.server.server.plugins.reconfigure('echo-component', { prefix: '> ', address: 'mirror' });
    const dave = await world.online('dave', 'moved', { priority: null });
    await dave.send(xml('message', { to: `mirror.${world.domain}`, type: 'chat', id: 'm1' }, xml('body', {}, 'there?')));
    expect((await dave.waitFor((s) => s.name === 'message' && s.attrs.id === 'm1')).getChildText('body')).toBe('> there?');
    await expect(dave.iq(xml('iq', { type: 'get', to: echo() }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).rejects.toThrow(/remote-server-not-found/);
  });
});
