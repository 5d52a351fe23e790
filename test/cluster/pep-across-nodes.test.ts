/**
 * PEP in a cluster of server processes sharing Redis and PostgreSQL: what one node stores in
 * SQL, every node reads; a publish on node a notifies followers on node b; bookmarks published
 * on node a are read through XEP-0049 on node b; a refused request is logged on the node that
 * refused it, without the payload.
 */
import type { Element } from 'ltx';
import { iqFailure } from '../../server-core/testing/world';
import { getItems, itemIds, publishItem } from '../../server-core/testing/pep-steps';
import { chatClientCaps } from '../support/client-caps';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { xml, type TestClient } from '../support/xmpp-client';
import { mutualSubscription, online, stopAll } from './cluster-steps';

const EVENT = 'http://jabber.org/protocol/pubsub#event';
const DEVICELIST = 'eu.siacs.conversations.axolotl.devicelist';
const AXOLOTL = 'eu.siacs.conversations.axolotl';
const BOOKMARKS = 'urn:xmpp:bookmarks:1';
const HISTORY = 'urn:example:history';

const devices = (...ids: string[]) => xml('list', { xmlns: AXOLOTL }, ...ids.map((id) => xml('device', { id })));
const deviceEvent = (id: string) => (s: Element) =>
  s.is('message') && s.getChild('event', EVENT)?.getChild('items')?.attrs.node === DEVICELIST && s.getChild('event', EVENT)?.getChild('items')?.getChild('item')?.getChild('list', AXOLOTL)?.getChild('device')?.attrs.id === id;

/** An OMEMO-like client: it follows device lists and the history node. */
const followerOnline = (node: ClusterNode, user: string, resource: string): Promise<TestClient> => online(node, user, resource, true, chatClientCaps(DEVICELIST, HISTORY));

describe('PEP across cluster nodes', () => {
  const cluster = new TestCluster({ config: { log: { level: 'debug' } } });
  const clients: TestClient[] = [];
  afterAll(async () => {
    await stopAll(clients);
    await cluster.stop();
  });

  it('publishes on one node, notifies and answers on the other, from PostgreSQL', async () => {
    const [a, b] = await cluster.start('a', 'b');
    await cluster.createUsers('alice', 'bob', 'carol');
    const alice = await followerOnline(a, 'alice', 'desk');
    const bob = await followerOnline(b, 'bob', 'laptop');
    const carol = await followerOnline(b, 'carol', 'tablet');
    clients.push(alice, bob, carol);
    await mutualSubscription(alice, bob);

    // OMEMO device list with access_model open, published on a: bob on b hears of it, carol (a stranger) on b reads it.
    await alice.iq(publishItem(DEVICELIST, 'current', devices('1001'), { access_model: 'open' }));
    await bob.waitFor(deviceEvent('1001'), 5000, 'the device list event on node b');
    expect(itemIds(await carol.iq(getItems('alice@localhost', DEVICELIST)))).toEqual(['current']);

    // A node keeping every item (max_items=max), written on a, read whole on b.
    for (const id of ['one', 'two', 'three']) await alice.iq(publishItem(HISTORY, id, xml('entry', { xmlns: HISTORY }, id), { max_items: 'max' }));
    expect(itemIds(await bob.iq(getItems('alice@localhost', HISTORY)))).toEqual(['one', 'two', 'three']);
    // The node exists with max_items=max: asking 1 on node b fails the precondition there too.
    const phone = await followerOnline(b, 'alice', 'phone');
    clients.push(phone);
    const failure = await iqFailure(phone, publishItem(HISTORY, 'four', xml('entry', { xmlns: HISTORY }, 'four'), { max_items: '1' }));
    expect(failure.condition).toBe('conflict');
    expect(failure.application?.name).toBe('precondition-not-met');

    // Bookmarks published on a, read by the same account through XEP-0049 on b.
    const conference = xml('conference', { xmlns: BOOKMARKS, name: 'Tea room', autojoin: 'true' }, xml('nick', {}, 'secret-nick'));
    await alice.iq(publishItem(BOOKMARKS, 'tea@conference.example', conference, { persist_items: 'true', max_items: 'max', send_last_published_item: 'never', access_model: 'whitelist' }));
    const legacy = await phone.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:private' }, xml('storage', { xmlns: 'storage:bookmarks' }))));
    const entry = legacy.getChild('query', 'jabber:iq:private')?.getChild('storage', 'storage:bookmarks')?.getChild('conference');
    expect(entry?.attrs).toMatchObject({ jid: 'tea@conference.example', name: 'Tea room', autojoin: 'true' });
    expect(entry?.getChildText('nick')).toBe('secret-nick');

    // bob may not read them; node b logs who asked for what and why it refused, not the bookmark.
    const refused = await iqFailure(bob, getItems('alice@localhost', BOOKMARKS));
    expect(refused.condition).toBe('not-allowed');
    const line = await b.waitForLog((l) => l.msg === 'PEP request refused' && l.node === BOOKMARKS, 5000, 'the refusal on node b');
    expect(line).toMatchObject({ from: bob.jid, owner: 'alice@localhost', action: 'items', condition: 'not-allowed', pubsubCondition: 'closed-node' });
    expect(b.logs.some((l) => JSON.stringify(l).includes('secret-nick'))).toBe(false);
    expect(a.logs.some((l) => JSON.stringify(l).includes('secret-nick'))).toBe(false);

    // A follower that comes online on b later gets the newest device list, published on a.
    await alice.iq(publishItem(DEVICELIST, 'current', devices('1001', '1002'), { access_model: 'open' }));
    await bob.waitFor(deviceEvent('1001'), 5000);
    const late = await followerOnline(b, 'bob', 'late');
    clients.push(late);
    await late.waitFor((s) => deviceEvent('1001')(s) && s.getChild('event', EVENT)!.getChild('items')!.getChild('item')!.getChild('list', AXOLOTL)!.getChildren('device').length === 2, 5000, 'the last device list on login');
  }, 120000);
});
