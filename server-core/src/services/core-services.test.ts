import { startWorld, iqFailure, xml, type World } from '../../testing/world';
import { readServerVersion } from '../core/server-version';

const DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

describe('core services', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;

  beforeAll(async () => {
    world = await startWorld(['alice', 'bob']);
  });
  afterAll(() => world.stop());

  test('the server and a user account answer pings', async () => {
    const alice = await world.online('alice', 'ping');
    const fromServer = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(fromServer.attrs.type).toBe('result');
    expect(fromServer.attrs.from).toBe(world.domain);
    const fromAccount = await alice.iq(xml('iq', { type: 'get', to: jid('bob') }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(fromAccount.attrs.type).toBe('result');
  });

  test('disco#info lists the server identity and every core feature', async () => {
    const alice = await world.online('alice', 'disco');
    const result = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: DISCO_INFO })));
    const query = result.getChild('query', DISCO_INFO)!;
    expect(query.getChildren('identity').map((i) => [i.attrs.category, i.attrs.type])).toContainEqual(['server', 'im']);
    const features = query.getChildren('feature').map((f) => f.attrs.var);
    for (const feature of [DISCO_INFO, DISCO_ITEMS, 'urn:xmpp:ping', 'jabber:iq:version', 'vcard-temp', 'urn:xmpp:blocking', 'urn:xmpp:carbons:2', 'msgoffline']) {
      expect(features).toContain(feature);
    }
  });

  test('disco#items lists the items modules and plugins added', async () => {
    const alice = await world.online('alice', 'items');
    const ctx = world.server.server.context;
    ctx.disco.items.push({ jid: `echo.${world.domain}`, name: 'Echo' });
    try {
      const result = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: DISCO_ITEMS })));
      const items = result.getChild('query', DISCO_ITEMS)!.getChildren('item').map((i) => [i.attrs.jid, i.attrs.name]);
      // The core modules' services (multi-user chat, upload) are listed before what the test added.
      expect(items).toEqual([
        [`conference.${world.domain}`, 'Chat rooms'],
        [`upload.${world.domain}`, 'HTTP File Upload'],
        [`echo.${world.domain}`, 'Echo'],
      ]);
    } finally {
      ctx.disco.items.pop();
    }
  });

  test('an account shows its identity to its owner, and not to strangers', async () => {
    const alice = await world.online('alice', 'account');
    const own = await alice.iq(xml('iq', { type: 'get', to: jid('alice') }, xml('query', { xmlns: DISCO_INFO })));
    const identity = own.getChild('query', DISCO_INFO)!.getChild('identity')!;
    expect([identity.attrs.category, identity.attrs.type]).toEqual(['account', 'registered']);
    expect((await iqFailure(alice, xml('iq', { type: 'get', to: jid('bob') }, xml('query', { xmlns: DISCO_INFO })))).condition).toBe('service-unavailable');
  });

  test('the server tells its name and version', async () => {
    const alice = await world.online('alice', 'version');
    const result = await alice.iq(xml('iq', { type: 'get', to: world.domain }, xml('query', { xmlns: 'jabber:iq:version' })));
    const query = result.getChild('query', 'jabber:iq:version')!;
    expect(query.getChildText('name')).toBe('Asterisk-IM');
    expect(query.getChildText('version')).toBe(readServerVersion());
    expect(query.getChildText('version')).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('a user sets their vCard and anyone reads it back', async () => {
    const alice = await world.online('alice', 'vcard');
    const bob = await world.online('bob', 'vcard');
    await alice.iq(xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Alice Liddell'), xml('NICKNAME', {}, 'ali'))));
    const own = await alice.iq(xml('iq', { type: 'get' }, xml('vCard', { xmlns: 'vcard-temp' })));
    expect(own.getChild('vCard', 'vcard-temp')!.getChildText('FN')).toBe('Alice Liddell');
    const seen = await bob.iq(xml('iq', { type: 'get', to: jid('alice') }, xml('vCard', { xmlns: 'vcard-temp' })));
    expect(seen.getChild('vCard', 'vcard-temp')!.getChildText('NICKNAME')).toBe('ali');
  });

  test('an account without a vCard answers with an empty one; nobody changes another user’s', async () => {
    const alice = await world.online('alice', 'vcard-other');
    const empty = await alice.iq(xml('iq', { type: 'get', to: jid('bob') }, xml('vCard', { xmlns: 'vcard-temp' })));
    expect(empty.getChild('vCard', 'vcard-temp')!.children).toHaveLength(0);
    const forged = xml('iq', { type: 'set', to: jid('bob') }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, 'Not Bob')));
    expect((await iqFailure(alice, forged)).condition).toBe('forbidden');
  });

  test('an oversized vCard is refused', async () => {
    const alice = await world.online('alice', 'vcard-big');
    const huge = xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('DESC', {}, 'x'.repeat(200 * 1024))));
    expect((await iqFailure(alice, huge)).condition).toBe('not-acceptable');
  });

  test('the legacy session request is answered with an empty result', async () => {
    const alice = await world.online('alice', 'legacy', { priority: null });
    const result = await alice.iq(xml('iq', { type: 'set' }, xml('session', { xmlns: 'urn:ietf:params:xml:ns:xmpp-session' })));
    expect(result.attrs.type).toBe('result');
    expect(result.children).toHaveLength(0);
  });
});
