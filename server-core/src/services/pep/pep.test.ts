import { Element } from 'ltx';
import { startWorld, iqFailure, roundTrip, xml, chatClientCaps, type World, type TestClient } from '../../../testing/world';
import { mutualSubscription } from '../../../testing/presence-steps';
import { itemIds, nodeConfigForm, publishItem } from '../../../testing/pep-steps';

const PUBSUB = 'http://jabber.org/protocol/pubsub';
const EVENT = 'http://jabber.org/protocol/pubsub#event';
const ERRORS = 'http://jabber.org/protocol/pubsub#errors';
const OWNER = 'http://jabber.org/protocol/pubsub#owner';
const TUNE = 'http://jabber.org/protocol/tune';

const tune = (artist: string) => xml('tune', { xmlns: TUNE }, xml('artist', {}, artist));

function publish(payload: Element, options: { node?: string; id?: string; to?: string } = {}): Element {
  const item = xml('item', options.id ? { id: options.id } : {}, payload);
  return xml('iq', { type: 'set', ...(options.to ? { to: options.to } : {}) }, xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node: options.node ?? TUNE }, item)));
}

const items = (owner: string, node = TUNE) => xml('iq', { type: 'get', to: owner }, xml('pubsub', { xmlns: PUBSUB }, xml('items', { node })));
const retract = (id: string, node = TUNE) => xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('retract', { node, notify: 'true' }, xml('item', { id }))));

const publishWith = (node: string, id: string, fields: Record<string, string>) => publishItem(node, id, tune(id), fields);

/** A PEP notification from `owner` carrying a tune by `artist`. */
const tuneEvent = (owner: string, artist: string) => (s: Element) =>
  s.is('message') &&
  s.attrs.type === 'headline' &&
  s.attrs.from === owner &&
  s.getChild('event', EVENT)?.getChild('items')?.attrs.node === TUNE &&
  s.getChild('event', EVENT)?.getChild('items')?.getChild('item')?.getChild('tune', TUNE)?.getChildText('artist') === artist;

const anyPepEvent = (s: Element) => s.is('message') && s.getChild('event', EVENT) !== undefined;

/** A client that follows tunes (XEP-0163 filtered notifications: it advertises tune+notify). */
const followsTunes = { caps: chatClientCaps(TUNE) };

describe('personal eventing (XEP-0163)', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob', 'carol']);
  });
  afterEach(() => world.stop());

  async function friends(): Promise<{ alice: TestClient; bob: TestClient; carol: TestClient }> {
    const alice = await world.online('alice', 'pc', followsTunes);
    const bob = await world.online('bob', 'pc', followsTunes);
    const carol = await world.online('carol', 'pc', followsTunes);
    await mutualSubscription(world, alice, bob);
    return { alice, bob, carol };
  }

  test('a publish reaches the owner and subscribed contacts, not strangers', async () => {
    const { alice, bob, carol } = await friends();
    const phone = await world.online('alice', 'phone', followsTunes);

    const result = await alice.iq(publish(tune('Nina Simone')));
    expect(result.getChild('pubsub', PUBSUB)?.getChild('publish')?.getChild('item')?.attrs.id).toBe('current');

    const event = await bob.waitFor(tuneEvent(jid('alice'), 'Nina Simone'), 5000, "alice's tune at bob");
    expect(event.attrs.to).toBe(`${jid('bob')}/pc`);
    expect(event.getChild('event', EVENT)?.getChild('items')?.getChild('item')?.attrs.id).toBe('current');
    await phone.waitFor(tuneEvent(jid('alice'), 'Nina Simone'), 5000, "alice's tune at her other resource");
    await alice.waitFor(tuneEvent(jid('alice'), 'Nina Simone'), 5000, "alice's tune at the publishing resource");

    await roundTrip(carol, world.domain);
    await bob.iq(publish(tune('marker for carol')));
    await roundTrip(carol, world.domain);
    expect(carol.received.filter(anyPepEvent)).toEqual([]);
  });

  test('events and last items go only to resources that advertise the node+notify, the owner\'s included', async () => {
    const { alice, bob } = await friends();
    const aliceWithoutCaps = await world.online('alice', 'bare');
    const bobWithoutCaps = await world.online('bob', 'plain');
    const bobFollowingMoods = await world.online('bob', 'moods', { caps: chatClientCaps('http://jabber.org/protocol/mood') });

    await alice.iq(publish(tune('Ella Fitzgerald')));
    await bob.waitFor(tuneEvent(jid('alice'), 'Ella Fitzgerald'), 5000, "alice's tune at bob's follower");
    await alice.waitFor(tuneEvent(jid('alice'), 'Ella Fitzgerald'), 5000, "alice's tune at her follower");
    for (const other of [aliceWithoutCaps, bobWithoutCaps, bobFollowingMoods]) {
      await roundTrip(other, world.domain);
      expect(other.received.filter(anyPepEvent)).toEqual([]);
    }

    const lateFollower = await world.online('bob', 'late', followsTunes);
    await lateFollower.waitFor(tuneEvent(jid('alice'), 'Ella Fitzgerald'), 5000, 'the last tune at a follower that came online');
    const lateWithoutCaps = await world.online('bob', 'late-plain');
    await roundTrip(lateWithoutCaps, world.domain);
    expect(lateWithoutCaps.received.filter(anyPepEvent)).toEqual([]);
  });

  test('the owner and contacts retrieve items; others are refused', async () => {
    const { alice, bob, carol } = await friends();
    await alice.iq(publish(tune('Miles Davis'), { id: 'track-1' }));

    for (const reader of [alice, bob]) {
      const result = await reader.iq(items(jid('alice')));
      const item = result.getChild('pubsub', PUBSUB)?.getChild('items')?.getChild('item');
      expect(item?.attrs.id).toBe('track-1');
      expect(item?.getChild('tune', TUNE)?.getChildText('artist')).toBe('Miles Davis');
    }

    const stranger = await iqFailure(carol, items(jid('alice')));
    expect(stranger.condition).toBe('not-authorized');
    expect(stranger.application?.name).toBe('presence-subscription-required');
    expect(stranger.application?.attrs.xmlns).toBe(ERRORS);

    expect((await iqFailure(bob, publish(tune('not yours'), { to: jid('alice') }))).condition).toBe('forbidden');
    expect((await iqFailure(bob, items(jid('alice'), 'urn:example:nothing'))).condition).toBe('item-not-found');
  });

  test('retracting tells the subscribers and empties the node', async () => {
    const { alice, bob } = await friends();
    await alice.iq(publish(tune('Coltrane')));
    await bob.waitFor(tuneEvent(jid('alice'), 'Coltrane'));

    await alice.iq(retract('current'));
    const event = await bob.waitFor((s) => s.getChild('event', EVENT)?.getChild('items')?.getChild('retract')?.attrs.id === 'current', 5000, 'a retract event');
    expect(event.attrs.from).toBe(jid('alice'));
    const emptied = await bob.iq(items(jid('alice')));
    expect(emptied.getChild('pubsub', PUBSUB)?.getChild('items')?.getChildren('item')).toEqual([]);
    expect((await iqFailure(alice, retract('current'))).condition).toBe('item-not-found');
  });

  test('a contact that comes online gets the last item of each node', async () => {
    const { alice, bob } = await friends();
    await alice.iq(publish(tune('first')));
    await alice.iq(publish(tune('second')));
    await bob.stop();

    const later = await world.online('bob', 'laptop', followsTunes);
    const event = await later.waitFor(tuneEvent(jid('alice'), 'second'), 5000, "alice's last tune after login");
    expect(event.attrs.to).toBe(`${jid('bob')}/laptop`);
    await roundTrip(later, world.domain);
    expect(later.received.filter(tuneEvent(jid('alice'), 'first'))).toEqual([]);

    const carol = await world.online('carol', 'late', followsTunes);
    await roundTrip(carol, world.domain);
    expect(carol.received.filter(anyPepEvent)).toEqual([]);
  });

  test('a payload over the size limit is refused and the old item stays', async () => {
    const { alice, bob } = await friends();
    await alice.iq(publish(tune('small')));
    const failure = await iqFailure(alice, publish(tune('x'.repeat(world.server.server.context.limits.maxPepItemBytes))));
    expect(failure.condition).toBe('not-acceptable');
    expect(failure.application?.name).toBe('payload-too-big');
    const result = await bob.iq(items(jid('alice')));
    expect(result.getChild('pubsub', PUBSUB)?.getChild('items')?.getChild('item')?.getChild('tune', TUNE)?.getChildText('artist')).toBe('small');
  });

  test('a publish without payload, one whose publish-options differ from the node, and unsupported actions are refused', async () => {
    const alice = await world.online('alice', 'pc');
    const empty = xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node: TUNE }, xml('item', { id: 'x' }))));
    const noPayload = await iqFailure(alice, empty);
    expect(noPayload.condition).toBe('bad-request');
    expect(noPayload.application?.name).toBe('payload-required');

    const form = xml(
      'x',
      { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `${PUBSUB}#publish-options`)),
      xml('field', { var: 'pubsub#access_model' }, xml('value', {}, 'open')),
    );
    await alice.iq(publish(tune('presence only')));
    const open = xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node: TUNE }, xml('item', {}, tune('anyone'))), xml('publish-options', {}, form)));
    const failure = await iqFailure(alice, open);
    expect(failure.condition).toBe('conflict');
    expect(failure.application?.name).toBe('precondition-not-met');

    const affiliations = xml('iq', { type: 'get', to: jid('alice') }, xml('pubsub', { xmlns: PUBSUB }, xml('affiliations', { node: TUNE })));
    const unsupported = await iqFailure(alice, affiliations);
    expect(unsupported.condition).toBe('feature-not-implemented');
    expect(unsupported.application?.attrs.feature).toBe('affiliations');
  });

  test("the account's disco#info shows the pep identity and publish feature; the server API publishes", async () => {
    const { alice, bob } = await friends();
    const info = await bob.iq(xml('iq', { type: 'get', to: jid('alice') }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    const query = info.getChild('query')!;
    expect(query.getChildren('identity').some((i) => i.attrs.category === 'pubsub' && i.attrs.type === 'pep')).toBe(true);
    expect(query.getChildren('feature').map((f) => f.attrs.var)).toContain(`${PUBSUB}#publish`);
    expect(query.getChildren('feature').map((f) => f.attrs.var)).toContain(`${PUBSUB}#filtered-notifications`);

    const pep = world.server.server.context.services.get('pep')!;
    expect(await pep.publish(jid('alice'), TUNE, tune('from the server'))).toBe('current');
    await bob.waitFor(tuneEvent(jid('alice'), 'from the server'), 5000, 'a tune published through ctx.pep');
    await alice.waitFor(tuneEvent(jid('alice'), 'from the server'));
    expect((await pep.item(jid('alice'), TUNE))?.payload.getChildText('artist')).toBe('from the server');
  });
});

describe('node configuration and access models', () => {
  let world: World;
  const jid = (user: string) => `${user}@${world.domain}`;
  beforeEach(async () => {
    world = await startWorld(['alice', 'bob', 'carol']);
  });
  afterEach(() => world.stop());


  test('a node published with access_model open is read by strangers and keeps max_items', async () => {
    const alice = await world.online('alice', 'pc');
    const carol = await world.online('carol', 'pc');
    for (const id of ['one', 'two', 'three']) await alice.iq(publishWith('urn:example:open', id, { access_model: 'open', max_items: '2' }));
    expect(itemIds(await carol.iq(items(jid('alice'), 'urn:example:open')))).toEqual(['two', 'three']);
    const failure = await iqFailure(alice, publishWith('urn:example:open', 'four', { access_model: 'open', max_items: '5' }));
    expect(failure.condition).toBe('conflict');
    expect(failure.application?.name).toBe('precondition-not-met');
  });

  const owner = (action: Element) => xml('iq', { type: action.name === 'configure' && action.children.length === 0 ? 'get' : 'set' }, xml('pubsub', { xmlns: OWNER }, action));
  const fieldOf = (result: Element, name: string) =>
    result.getChild('pubsub', OWNER)?.getChild('configure')?.getChild('x', 'jabber:x:data')?.getChildren('field').find((f) => f.attrs.var === name)?.getChildText('value');

  test('the owner reads and changes the configuration; a smaller max_items drops the oldest items; bad values are refused', async () => {
    const alice = await world.online('alice', 'pc');
    for (const id of ['a', 'b', 'c']) await alice.iq(publishWith('urn:example:log', id, { max_items: '10' }));
    const form = await alice.iq(owner(xml('configure', { node: 'urn:example:log' })));
    expect(fieldOf(form, 'pubsub#access_model')).toBe('presence');
    expect(fieldOf(form, 'pubsub#max_items')).toBe('10');
    await alice.iq(owner(xml('configure', { node: 'urn:example:log' }, nodeConfigForm({ max_items: '2', access_model: 'open' }))));
    expect(fieldOf(await alice.iq(owner(xml('configure', { node: 'urn:example:log' }))), 'pubsub#access_model')).toBe('open');
    expect(itemIds(await alice.iq(items(jid('alice'), 'urn:example:log')))).toEqual(['b', 'c']);
    const bad = await iqFailure(alice, owner(xml('configure', { node: 'urn:example:log' }, nodeConfigForm({ access_model: 'authorize' }))));
    expect(bad.condition).toBe('not-acceptable');
    expect(bad.application?.name).toBe('invalid-options');
    expect((await iqFailure(alice, owner(xml('configure', { node: 'urn:example:none' })))).condition).toBe('item-not-found');
    const bob = await world.online('bob', 'pc');
    expect((await iqFailure(bob, xml('iq', { type: 'get', to: jid('alice') }, xml('pubsub', { xmlns: OWNER }, xml('configure', { node: 'urn:example:log' }))))).condition).toBe('forbidden');
  });

  test('explicit create with a whitelist configuration: a second create conflicts, contacts are refused, the owner reads', async () => {
    const { alice, bob } = await contacts();
    const create = xml('iq', { type: 'set' }, xml('pubsub', { xmlns: PUBSUB }, xml('create', { node: 'urn:example:private' }), xml('configure', {}, nodeConfigForm({ access_model: 'whitelist', persist_items: '1' }))));
    await alice.iq(create);
    expect((await iqFailure(alice, create)).condition).toBe('conflict');
    await alice.iq(publish(tune('mine'), { node: 'urn:example:private', id: 'only' }));
    const refused = await iqFailure(bob, items(jid('alice'), 'urn:example:private'));
    expect(refused.condition).toBe('not-allowed');
    expect(refused.application?.name).toBe('closed-node');
    expect(itemIds(await alice.iq(items(jid('alice'), 'urn:example:private')))).toEqual(['only']);
  });

  test('the roster access model lets only contacts in the allowed groups read', async () => {
    const { alice, bob } = await contacts();
    const carol = await world.online('carol', 'pc');
    await mutualSubscription(world, alice, carol);
    const stores = world.server.server.context.stores;
    const bobItem = (await stores.rosters.getItem('alice', jid('bob')))!;
    await stores.rosters.put('alice', { ...bobItem, groups: ['Family'] });
    await alice.iq(publishWith('urn:example:family', 'news', { access_model: 'roster', roster_groups_allowed: 'Family' }));
    expect(itemIds(await bob.iq(items(jid('alice'), 'urn:example:family')))).toEqual(['news']);
    const refused = await iqFailure(carol, items(jid('alice'), 'urn:example:family'));
    expect(refused.condition).toBe('not-authorized');
    expect(refused.application?.name).toBe('not-in-roster-group');
  });

  test('persist_items false keeps the newest item only; purge empties, delete removes the node', async () => {
    const alice = await world.online('alice', 'pc');
    for (const id of ['x', 'y']) await alice.iq(publishWith('urn:example:volatile', id, { persist_items: 'false', max_items: '5' }));
    expect(itemIds(await alice.iq(items(jid('alice'), 'urn:example:volatile')))).toEqual(['y']);
    await alice.iq(owner(xml('purge', { node: 'urn:example:volatile' })));
    expect(itemIds(await alice.iq(items(jid('alice'), 'urn:example:volatile')))).toEqual([]);
    await alice.iq(owner(xml('delete', { node: 'urn:example:volatile' })));
    expect((await iqFailure(alice, items(jid('alice'), 'urn:example:volatile'))).condition).toBe('item-not-found');
  });

  test("the account's disco#items lists the nodes the asker may read", async () => {
    const { alice, bob } = await contacts();
    await alice.iq(publishWith('urn:example:open', 'a', { access_model: 'open' }));
    await alice.iq(publishWith('urn:example:presence', 'b', {}));
    await alice.iq(publishWith('urn:example:private', 'c', { access_model: 'whitelist' }));
    const nodes = async (asker: TestClient) =>
      (await asker.iq(xml('iq', { type: 'get', to: jid('alice') }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' }))))
        .getChild('query')!
        .getChildren('item')
        .map((item) => `${item.attrs.jid} ${item.attrs.node}`);
    expect(await nodes(alice)).toEqual([`${jid('alice')} urn:example:open`, `${jid('alice')} urn:example:presence`, `${jid('alice')} urn:example:private`]);
    expect(await nodes(bob)).toEqual([`${jid('alice')} urn:example:open`, `${jid('alice')} urn:example:presence`]);
  });

  async function contacts(): Promise<{ alice: TestClient; bob: TestClient }> {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await mutualSubscription(world, alice, bob);
    return { alice, bob };
  }
});

describe('the per-account item limit', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld(['alice'], { modules: { pep: { config: { maxItemsPerUser: 3 } } } });
  });
  afterEach(() => world.stop());

  test('a new item past maxItemsPerUser is refused; replacing one, or one that pushes the oldest out, is not', async () => {
    const alice = await world.online('alice', 'pc');
    for (const id of ['a', 'b']) await alice.iq(publishWith('urn:example:many', id, { max_items: '10' }));
    await alice.iq(publish(tune('current')));
    const full = await iqFailure(alice, publishWith('urn:example:many', 'c', { max_items: '10' }));
    expect(full.condition).toBe('resource-constraint');
    await alice.iq(publishWith('urn:example:many', 'b', { max_items: '10' }));
    await alice.iq(publish(tune('replaces current')));
    expect((await iqFailure(alice, publish(tune('x'), { node: 'urn:example:other' }))).condition).toBe('resource-constraint');
    // The refused publish left no empty node behind.
    expect((await iqFailure(alice, items(`alice@${world.domain}`, 'urn:example:other'))).condition).toBe('item-not-found');
  });
});
