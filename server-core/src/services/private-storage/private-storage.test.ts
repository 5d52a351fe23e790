import type { Element } from 'ltx';
import { startWorld, iqFailure, xml, type World } from '../../../testing/world';
import { publishOptions } from '../../../testing/pep-steps';

const PRIVATE = 'jabber:iq:private';
const PUBSUB = 'http://jabber.org/protocol/pubsub';
const BOOKMARKS = 'urn:xmpp:bookmarks:1';

const get = (name: string, xmlns: string, to?: string) => xml('iq', { type: 'get', ...(to ? { to } : {}) }, xml('query', { xmlns: PRIVATE }, xml(name, { xmlns })));
const set = (...elements: Element[]) => xml('iq', { type: 'set' }, xml('query', { xmlns: PRIVATE }, ...elements));
const stored = (result: Element) => result.getChild('query', PRIVATE)!.getChildElements()[0]!;
const legacyBookmarks = (...rooms: string[]) => xml('storage', { xmlns: 'storage:bookmarks' }, ...rooms.map((jid) => xml('conference', { jid, autojoin: 'true', name: jid }, xml('nick', {}, 'al'))));
const bookmarkIds = (result: Element) => result.getChild('pubsub', PUBSUB)!.getChild('items')!.getChildren('item').map((item) => item.attrs.id);
const pepBookmarks = xml('iq', { type: 'get' }, xml('pubsub', { xmlns: PUBSUB }, xml('items', { node: BOOKMARKS })));

describe('private XML storage (XEP-0049)', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld(['alice', 'bob']);
  });
  afterEach(() => world.stop());

  test('stores one element per namespace, answers an empty one for nothing stored, and keeps each account to itself', async () => {
    const alice = await world.online('alice', 'pc');
    expect(stored(await alice.iq(get('prefs', 'urn:example:prefs'))).toString()).toBe('<prefs xmlns="urn:example:prefs"/>');
    await alice.iq(set(xml('prefs', { xmlns: 'urn:example:prefs' }, 'dark'), xml('notes', { xmlns: 'urn:example:notes' }, 'n')));
    await alice.iq(set(xml('prefs', { xmlns: 'urn:example:prefs' }, 'light')));
    expect(stored(await alice.iq(get('prefs', 'urn:example:prefs'))).getText()).toBe('light');
    expect(stored(await alice.iq(get('notes', 'urn:example:notes'))).getText()).toBe('n');
    const bob = await world.online('bob', 'pc');
    expect(stored(await bob.iq(get('prefs', 'urn:example:prefs'))).getText()).toBe('');
    expect((await iqFailure(bob, get('prefs', 'urn:example:prefs', `alice@${world.domain}`))).condition).toBe('forbidden');
  });

  test("deleting an account removes its private storage and PEP nodes, items and subscriptions", async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await alice.iq(set(xml('prefs', { xmlns: 'urn:example:prefs' }, 'dark')));
    await alice.iq(set(legacyBookmarks('one@conference.example')));
    const open = xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node: 'urn:example:open' }, xml('item', { id: 'x' }, xml('x', { xmlns: 'urn:example:open' }))), publishOptions({ access_model: 'open' })));
    await alice.iq(open);
    await bob.iq(xml('iq', { type: 'set', to: `alice@${world.domain}` }, xml('pubsub', { xmlns: PUBSUB }, xml('subscribe', { node: 'urn:example:open', jid: `bob@${world.domain}` }))));
    const { db } = world.server.server;
    const count = async (table: string) => Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE username = ?`, ['alice']))?.n);
    expect(await count('pep_subscriptions')).toBe(1);
    expect(await count('private_storage')).toBeGreaterThan(0);
    await alice.stop();
    expect(await world.server.server.context.stores.accounts.delete('alice')).toBe(true);
    for (const table of ['pep_nodes', 'pep_items', 'pep_subscriptions', 'private_storage']) expect([table, await count(table)]).toEqual([table, 0]);
  });

  test('refuses jabber:* namespaces, elements without one, and elements over the size limit', async () => {
    const alice = await world.online('alice', 'pc');
    expect((await iqFailure(alice, set(xml('query', { xmlns: 'jabber:iq:roster' })))).condition).toBe('not-acceptable');
    expect((await iqFailure(alice, get('prefs', '')))).toMatchObject({ condition: 'not-acceptable' });
    const big = await iqFailure(alice, set(xml('prefs', { xmlns: 'urn:example:prefs' }, 'x'.repeat(70 * 1024))));
    expect(big.condition).toBe('not-acceptable');
  });

  test('storage:bookmarks is kept as XEP-0402 PEP bookmarks while the bookmarks module runs, and in the table when it does not', async () => {
    const alice = await world.online('alice', 'pc');
    const info = await alice.iq(xml('iq', { type: 'get', to: `alice@${world.domain}` }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toContain(`${BOOKMARKS}#compat`);
    await alice.iq(set(legacyBookmarks('one@conference.example', 'two@conference.example')));
    expect(bookmarkIds(await alice.iq(pepBookmarks))).toEqual(['one@conference.example', 'two@conference.example']);

    await world.server.server.plugins.disable('bookmarks');
    const without = await alice.iq(xml('iq', { type: 'get', to: `alice@${world.domain}` }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    expect(without.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).not.toContain(`${BOOKMARKS}#compat`);
    await alice.iq(set(legacyBookmarks('three@conference.example')));
    expect(stored(await alice.iq(get('storage', 'storage:bookmarks'))).getChildren('conference').map((c) => c.attrs.jid)).toEqual(['three@conference.example']);
    // The PEP bookmarks did not follow: nothing translated while the module was off.
    expect(bookmarkIds(await alice.iq(pepBookmarks))).toEqual(['one@conference.example', 'two@conference.example']);

    await world.server.server.plugins.enable('bookmarks');
    expect(stored(await alice.iq(get('storage', 'storage:bookmarks'))).getChildren('conference').map((c) => c.attrs.jid)).toEqual(['one@conference.example', 'two@conference.example']);
  });
});
