/** The motd plugin on a real node, with real clients: the headline, the IQ, and run-time changes. */
import path from 'node:path';
import type { Element } from 'ltx';
import { startWorld, xml, type World } from '@asterisk-im/server-core/testing';
import { MOTD_NS } from '../src';

const isHeadline = (stanza: Element) => stanza.name === 'message' && stanza.attrs.type === 'headline';
const motdQuery = (to: string) => xml('iq', { type: 'get', to }, xml('motd', { xmlns: MOTD_NS }));
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';

describe('the motd plugin', () => {
  let world: World;
  const plugins = () => world.server.server.plugins;

  beforeAll(async () => {
    world = await startWorld(['alice', 'bob'], { plugins: [{ name: 'motd', path: path.resolve(__dirname, '..'), config: { text: 'Welcome to the pilot' } }] });
  });
  afterAll(() => world?.stop());

  test('a user coming online gets the message of the day from motd.<domain>', async () => {
    const bob = await world.online('bob', 'pc');
    const headline = await bob.waitFor(isHeadline);
    expect(headline.attrs.from).toBe(`motd.${world.domain}`);
    expect(headline.getChildText('subject')).toBe('Message of the day');
    expect(headline.getChildText('body')).toBe('Welcome to the pilot');
  });

  test('the IQ answers with the text, and the server lists the component and the feature in disco', async () => {
    const alice = await world.online('alice', 'iq', { priority: null });
    expect((await alice.iq(motdQuery(world.domain))).getChild('motd')?.text()).toBe('Welcome to the pilot');
    const items = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: DISCO_ITEMS })));
    expect(items.getChild('query')!.getChildren('item').map((item) => item.attrs.jid)).toContain(`motd.${world.domain}`);
    const info = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: DISCO_INFO })));
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain(MOTD_NS);
    await expect(alice.iq(xml('iq', { type: 'set', to: world.domain }, xml('motd', { xmlns: MOTD_NS })))).rejects.toThrow(/bad-request/);
  });

  test('a new text applies at once, and an invalid one is refused naming the field', async () => {
    await plugins().reconfigure('motd', { text: 'Maintenance at 18:00' });
    await expect(plugins().reconfigure('motd', { text: '' })).rejects.toMatchObject({ kind: 'invalid-config', issues: [{ field: 'text', message: 'must not be empty, got ""' }] });
    await expect(plugins().reconfigure('motd', { text: 'ok', colour: 'red' })).rejects.toMatchObject({ kind: 'invalid-config' });
    const alice = await world.online('alice', 'reconfigured');
    expect((await alice.waitFor(isHeadline)).getChildText('body')).toBe('Maintenance at 18:00');
    expect((await alice.iq(motdQuery(world.domain))).getChild('motd')?.text()).toBe('Maintenance at 18:00');
  });

  test('while disabled no headline is sent and the IQ is unavailable; enabled again it keeps the text', async () => {
    await plugins().disable('motd');
    const bob = await world.online('bob', 'while-disabled');
    // online() waited for a ping answer after the presence: a headline for it would have come first.
    expect(bob.received.some(isHeadline)).toBe(false);
    await expect(bob.iq(motdQuery(world.domain))).rejects.toThrow(/service-unavailable/);
    await expect(bob.iq(xml('iq', { type: 'get', to: `motd.${world.domain}` }, xml('query', { xmlns: DISCO_INFO })))).rejects.toThrow(/remote-server-not-found/);
    await plugins().enable('motd');
    expect((await bob.iq(motdQuery(world.domain))).getChild('motd')?.text()).toBe('Maintenance at 18:00');
  });
});
