import { startWorld, chat, bodyIs, iqFailure, xml, roundTrip, eventually, type World } from '../../../testing';
import { queryArchive, stanzaIdOf, MAM } from '../../../../test/support/mam-steps';
import { nodeStorage, type NodeStorage } from '../../../../test/support/node-storage';

describe.each(['sqlite', 'postgres'] as const)('XEP-0313 message archive (one node, %s)', (backend) => {
  let world: World;
  let storage: NodeStorage;
  beforeEach(async () => {
    storage = await nodeStorage(backend);
    world = await startWorld(['alice', 'bob', 'carol'], storage.config);
  });
  afterEach(async () => {
    await world.stop();
    await storage.dispose();
  });

  it('archives what arrived while one device was online, for a second device, once per message in each archive', async () => {
    const desk = await world.online('alice', 'desk');
    const bob = await world.online('bob', 'pc');
    for (const n of [1, 2, 3]) await bob.send(chat('alice@localhost', `hello ${n}`));
    const delivered = await desk.waitFor(bodyIs('hello 3'));
    const deliveredId = stanzaIdOf(delivered, 'alice@localhost');
    expect(deliveredId).toMatch(/^[0-9a-z]{19}$/);

    const phone = await world.online('alice', 'phone');
    const page = await queryArchive(phone);
    expect(page.messages.map((m) => m.body)).toEqual(['hello 1', 'hello 2', 'hello 3']);
    expect(page.messages[2]!.id).toBe(deliveredId);
    expect(page.messages[0]!.from).toBe('bob@localhost/pc');
    expect(page.complete).toBe(true);
    expect(page.first).toBe(page.messages[0]!.id);
    expect(page.last).toBe(deliveredId);
    // The sender's archive keeps its copies too, under ids of its own.
    const sent = await queryArchive(bob);
    expect(sent.messages.map((m) => m.body)).toEqual(['hello 1', 'hello 2', 'hello 3']);
    expect(sent.messages.map((m) => m.id)).not.toContain(deliveredId);
  });

  it('pages with RSM forwards, backwards and from the end', async () => {
    const alice = await world.online('alice', 'desk');
    const bob = await world.online('bob', 'pc');
    for (let n = 1; n <= 7; n++) await bob.send(chat('alice@localhost', `m${n}`));
    await alice.waitFor(bodyIs('m7'));

    const seen: string[] = [];
    let page = await queryArchive(alice, {}, { max: 3 });
    seen.push(...page.messages.map((m) => m.body));
    expect(page.complete).toBe(false);
    while (!page.complete) {
      page = await queryArchive(alice, {}, { max: 3, after: page.last! });
      seen.push(...page.messages.map((m) => m.body));
    }
    expect(seen).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);

    const last = await queryArchive(alice, {}, { max: 3, before: '' });
    expect(last.messages.map((m) => m.body)).toEqual(['m5', 'm6', 'm7']);
    expect(last.complete).toBe(false);
    const earlier = await queryArchive(alice, {}, { max: 3, before: last.first! });
    expect(earlier.messages.map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
    const first = await queryArchive(alice, {}, { max: 3, before: earlier.first! });
    expect(first.messages.map((m) => m.body)).toEqual(['m1']);
    expect(first.complete).toBe(true);

    // A page is never larger than the server's limit (100 by default).
    const capped = await queryArchive(alice, {}, { max: 100000 });
    expect(capped.messages).toHaveLength(7);
    expect((await iqFailure(alice, xml('iq', { type: 'set' }, xml('query', { xmlns: MAM }, xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('after', {}, 'nonexistent-id')))))).condition).toBe('item-not-found');
  });

  it('filters by with, start and end, and by ids (extended)', async () => {
    const alice = await world.online('alice', 'desk');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    await bob.send(chat('alice@localhost', 'from bob'));
    await alice.waitFor(bodyIs('from bob'));
    // A mark strictly between the two conversations, to the millisecond the archive keeps.
    const between = new Date(Date.now() + 2).toISOString();
    await eventually('the clock passed the mark', () => Date.now() > Date.parse(between) + 1);
    await carol.send(chat('alice@localhost', 'from carol'));
    await alice.send(chat('carol@localhost', 'to carol'));
    await carol.waitFor(bodyIs('to carol'));

    expect((await queryArchive(alice, { with: 'bob@localhost' })).messages.map((m) => m.body)).toEqual(['from bob']);
    expect((await queryArchive(alice, { with: 'carol@localhost' })).messages.map((m) => m.body)).toEqual(['from carol', 'to carol']);
    expect((await queryArchive(alice, { with: 'carol@localhost/pc' })).messages.map((m) => m.body)).toEqual(['from carol']);
    expect((await queryArchive(alice, { start: between })).messages.map((m) => m.body)).toEqual(['from carol', 'to carol']);
    expect((await queryArchive(alice, { end: between })).messages.map((m) => m.body)).toEqual(['from bob']);
    const all = await queryArchive(alice);
    const ids = [all.messages[0]!.id, all.messages[2]!.id];
    expect((await queryArchive(alice, { ids })).messages.map((m) => m.body)).toEqual(['from bob', 'to carol']);
    expect((await queryArchive(alice, { 'after-id': all.messages[0]!.id, 'before-id': all.messages[2]!.id })).messages.map((m) => m.body)).toEqual(['from carol']);
    expect((await iqFailure(alice, xml('iq', { type: 'set' }, xml('query', { xmlns: MAM }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, xml('field', { var: 'start' }, xml('value', {}, 'yesterday'))))))).condition).toBe('bad-request');
    // Only the owner reads an archive.
    expect((await iqFailure(bob, xml('iq', { type: 'set', to: 'alice@localhost' }, xml('query', { xmlns: MAM })))).condition).toBe('forbidden');
  });

  it('keeps what the preferences say, strips stanza-ids a client made up, and archives no errors, headlines or chat states', async () => {
    const alice = await world.online('alice', 'desk');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    const prefs = await alice.iq(
      xml('iq', { type: 'set' }, xml('prefs', { xmlns: MAM, default: 'never' }, xml('always', {}, xml('jid', {}, 'carol@localhost')), xml('never'))),
    );
    expect(prefs.getChild('prefs', MAM)?.attrs.default).toBe('never');
    const read = await alice.iq(xml('iq', { type: 'get' }, xml('prefs', { xmlns: MAM })));
    expect(read.getChild('prefs', MAM)?.getChild('always')?.getChildText('jid')).toBe('carol@localhost');

    await bob.send(chat('alice@localhost', 'not kept', 'chat', xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'alice@localhost', id: 'forged' }), xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'bob-1' })));
    const unarchived = await alice.waitFor(bodyIs('not kept'));
    expect(unarchived.getChildren('stanza-id', 'urn:xmpp:sid:0')).toHaveLength(0);
    expect(unarchived.getChild('origin-id', 'urn:xmpp:sid:0')?.attrs.id).toBe('bob-1');
    await carol.send(chat('alice@localhost', 'kept'));
    expect(stanzaIdOf(await alice.waitFor(bodyIs('kept')), 'alice@localhost')).toBeDefined();
    await bob.send(chat('alice@localhost', 'news', 'headline'));
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
    await bob.send(chat('alice@localhost', 'no store', 'chat', xml('no-store', { xmlns: 'urn:xmpp:hints' })));
    await alice.waitFor(bodyIs('no store'));
    await roundTrip(bob, 'localhost');

    expect((await queryArchive(alice)).messages.map((m) => m.body)).toEqual(['kept']);
    // Bob's own archive has his chat message; the headline, the chat state and the hinted one are not kept.
    expect((await queryArchive(bob)).messages.map((m) => m.body)).toEqual(['not kept']);
  });

  it("with the roster policy keeps only what is exchanged with the owner's contacts", async () => {
    await world.server.server.context.stores.rosters.put('alice', { jid: 'bob@localhost', name: null, subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
    const alice = await world.online('alice', 'desk');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    await alice.iq(xml('iq', { type: 'set' }, xml('prefs', { xmlns: MAM, default: 'roster' })));
    await bob.send(chat('alice@localhost', 'from a contact'));
    await carol.send(chat('alice@localhost', 'from a stranger'));
    await alice.waitFor(bodyIs('from a stranger'));
    expect((await queryArchive(alice)).messages.map((m) => m.body)).toEqual(['from a contact']);
  });

  it('archives messages for an offline user, who finds them with their stanza-id', async () => {
    const bob = await world.online('bob', 'pc');
    await bob.send(chat('alice@localhost', 'while you were out'));
    await roundTrip(bob, 'localhost');
    const alice = await world.online('alice', 'desk');
    const offline = await alice.waitFor(bodyIs('while you were out'));
    const page = await queryArchive(alice);
    expect(page.messages.map((m) => m.id)).toEqual([stanzaIdOf(offline, 'alice@localhost')]);
  });

  it('answers the query form and the metadata, and lists MAM in the account disco#info', async () => {
    const alice = await world.online('alice', 'desk');
    const form = await alice.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: MAM })));
    const fields = form.getChild('query', MAM)!.getChild('x', 'jabber:x:data')!.getChildren('field').map((f) => f.attrs.var);
    expect(fields).toEqual(expect.arrayContaining(['with', 'start', 'end', 'before-id', 'after-id', 'ids']));
    const empty = await alice.iq(xml('iq', { type: 'get' }, xml('metadata', { xmlns: MAM })));
    expect(empty.getChild('metadata', MAM)?.children).toEqual([]);
    const bob = await world.online('bob', 'pc');
    for (const body of ['first', 'last']) await bob.send(chat('alice@localhost', body));
    await alice.waitFor(bodyIs('last'));
    const archive = await queryArchive(alice);
    const metadata = (await alice.iq(xml('iq', { type: 'get' }, xml('metadata', { xmlns: MAM })))).getChild('metadata', MAM)!;
    expect(metadata.getChild('start')?.attrs.id).toBe(archive.messages[0]!.id);
    expect(metadata.getChild('end')?.attrs.id).toBe(archive.messages[1]!.id);
    expect(metadata.getChild('end')?.attrs.timestamp).toBe(archive.messages[1]!.stamp);
    const info = await alice.iq(xml('iq', { type: 'get', to: 'alice@localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    const features = info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining([MAM, 'urn:xmpp:mam:2#extended']));
  });
});

describe.each(['sqlite', 'postgres'] as const)('XEP-0313 retention, page limits and switching the module (%s)', (backend) => {
  let storage: NodeStorage;
  beforeEach(async () => {
    storage = await nodeStorage(backend);
  });
  afterEach(() => storage.dispose());

  it('removes messages past the retention period on the senior node, and keeps the rest', async () => {
    const world = await startWorld(['alice', 'bob'], { ...storage.config, modules: { mam: { config: { retentionDays: 30, cleanupIntervalSeconds: 1 } } } });
    try {
      const alice = await world.online('alice', 'desk');
      const bob = await world.online('bob', 'pc');
      await bob.send(chat('alice@localhost', 'old'));
      await bob.send(chat('alice@localhost', 'recent'));
      await alice.waitFor(bodyIs('recent'));
      const [old] = (await queryArchive(alice)).messages;
      const db = world.server.server.db;
      await db.run('UPDATE mam_messages SET ts = ? WHERE id = ?', [Date.now() - 31 * 24 * 3600 * 1000, old!.id]);
      await eventually('the old message is removed', async () => (await db.get('SELECT 1 AS found FROM mam_messages WHERE id = ?', [old!.id])) === undefined);
      expect((await queryArchive(alice)).messages.map((m) => m.body)).toEqual(['recent']);
    } finally {
      await world.stop();
    }
  });

  it('caps a page at maxPageSize, and pages on from there', async () => {
    const world = await startWorld(['alice', 'bob'], { ...storage.config, modules: { mam: { config: { defaultPageSize: 2, maxPageSize: 4 } } } });
    try {
      const alice = await world.online('alice', 'desk');
      const bob = await world.online('bob', 'pc');
      for (let n = 1; n <= 6; n++) await bob.send(chat('alice@localhost', `m${n}`));
      await alice.waitFor(bodyIs('m6'));
      const unasked = await queryArchive(alice);
      expect(unasked.messages.map((m) => m.body)).toEqual(['m1', 'm2']);
      const capped = await queryArchive(alice, {}, { max: 50 });
      expect(capped.messages.map((m) => m.body)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(capped.complete).toBe(false);
      const rest = await queryArchive(alice, {}, { max: 50, after: capped.last! });
      expect(rest.messages.map((m) => m.body)).toEqual(['m5', 'm6']);
      expect(rest.complete).toBe(true);
    } finally {
      await world.stop();
    }
  });

  it('archives nothing while disabled, answers queries with service-unavailable, and keeps the archive for when it is back', async () => {
    const world = await startWorld(['alice', 'bob'], storage.config);
    try {
      const alice = await world.online('alice', 'desk');
      const bob = await world.online('bob', 'pc');
      await bob.send(chat('alice@localhost', 'before'));
      await alice.waitFor(bodyIs('before'));
      await world.server.server.plugins.disable('mam');
      await bob.send(chat('alice@localhost', 'while off', 'chat', xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: 'alice@localhost', id: 'forged' })));
      const off = await alice.waitFor(bodyIs('while off'));
      // Nothing strips or adds ids while the module is off: the client's own element passes as sent.
      expect(stanzaIdOf(off, 'alice@localhost')).toBe('forged');
      expect((await iqFailure(alice, xml('iq', { type: 'set' }, xml('query', { xmlns: MAM })))).condition).toBe('service-unavailable');
      await world.server.server.plugins.enable('mam');
      expect((await queryArchive(alice)).messages.map((m) => m.body)).toEqual(['before']);
    } finally {
      await world.stop();
    }
  });
});
