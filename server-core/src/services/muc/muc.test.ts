import type { Element } from 'ltx';
import { startWorld, iqFailure, xml, errorCondition, type World } from '../../../testing/world';
import { MUC_USER_NS, MUC_OWNER_NS, MUC_ADMIN_NS, adminItem, createRoom, groupchat, join, joinPresence, roomConfig, selfPresence, statusCodes, subjectOf } from '../../../testing/muc-steps';
import { eventually } from '../../../testing/eventually';
import { renderMetrics } from '../../metrics/registry';

const DELAY = 'urn:xmpp:delay';
const OCCUPANT_ID = 'urn:xmpp:occupant-id:0';

const itemOf = (s: Element) => s.getChild('x', MUC_USER_NS)?.getChild('item');
const presenceFrom = (from: string, type?: string) => (s: Element) => s.is('presence') && s.attrs.from === from && s.attrs.type === type;
const groupchatFrom = (from: string, body: string) => (s: Element) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === from && s.getChildText('body') === body;

describe('multi-user chat (XEP-0045)', () => {
  let world: World;
  let service: string;
  let room: string;

  beforeEach(async () => {
    world = await startWorld(['alice', 'bob', 'carol']);
    service = `conference.${world.domain}`;
    room = `lounge@${service}`;
  });
  afterEach(() => world.stop());

  test('the first join creates a locked room; an instant configuration opens it to others', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    const self = await join(alice, room, 'Alice');
    expect(statusCodes(self)).toEqual([110, 201]);
    expect(itemOf(self)?.attrs).toMatchObject({ affiliation: 'owner', role: 'moderator' });
    expect(self.getChild('occupant-id', OCCUPANT_ID)?.attrs.id).toEqual(expect.any(String));
    await alice.waitFor(subjectOf(room));

    await expect(join(bob, room, 'Bob')).rejects.toMatchObject({ condition: 'item-not-found' });
    const config = roomConfig();
    config.attrs.to = room;
    await alice.iq(config);

    const bobSelf = await join(bob, room, 'Bob');
    expect(statusCodes(bobSelf)).toEqual([110]);
    expect(itemOf(bobSelf)?.attrs).toMatchObject({ affiliation: 'none', role: 'participant' });
    // Bob saw Alice before himself; Alice sees Bob without his real JID (semi-anonymous room).
    const aliceSeen = bob.received.findIndex(presenceFrom(`${room}/Alice`));
    expect(aliceSeen).toBeGreaterThanOrEqual(0);
    expect(aliceSeen).toBeLessThan(bob.received.indexOf(bobSelf));
    expect(itemOf(bob.received[aliceSeen]!)?.attrs.jid).toBeUndefined();
    const bobAtAlice = await alice.waitFor(presenceFrom(`${room}/Bob`));
    expect(itemOf(bobAtAlice)?.attrs.jid).toBe(`bob@${world.domain}/pc`); // a moderator sees real JIDs
    const metrics = (await renderMetrics()).text;
    expect(metrics).toMatch(/^aim_muc_rooms 1$/m);
    expect(metrics).toMatch(/^aim_muc_occupants 2$/m);
  });

  test('an occupant whose session ends leaves the room once', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await createRoom(alice, room, 'Alice');
    await join(bob, room, 'Bob');
    await bob.stop();
    await alice.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    await alice.send(groupchat(room, 'after bob'));
    await alice.waitFor(groupchatFrom(`${room}/Alice`, 'after bob'));
    expect(alice.received.filter(presenceFrom(`${room}/Bob`, 'unavailable'))).toHaveLength(1);
  });

  test('an occupant found offline when the room delivers to it leaves, once', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await createRoom(alice, room, 'Alice');
    await join(bob, room, 'Bob');
    // Bob's session forgets it is in the room, so its end tells the room nothing.
    world.server.server.context.sessions.get(`bob@${world.domain}/pc`)!.directedPresenceTo.clear();
    await bob.stop();
    await eventually('bob gone from the server', () => world.server.server.context.sessions.get(`bob@${world.domain}/pc`) === undefined);
    await alice.send(groupchat(room, 'anyone there?'));
    await alice.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    await alice.send(groupchat(room, 'marker'));
    await alice.waitFor(groupchatFrom(`${room}/Alice`, 'marker'));
    expect(alice.received.filter(presenceFrom(`${room}/Bob`, 'unavailable'))).toHaveLength(1);
  });

  test('a reserved room is configured with the owner form before anyone else enters', async () => {
    const alice = await world.online('alice', 'pc');
    await join(alice, room, 'Alice');
    const form = await alice.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER_NS })));
    const fields = form.getChild('query', MUC_OWNER_NS)?.getChild('x', 'jabber:x:data')?.getChildren('field').map((f) => f.attrs.var);
    expect(fields).toEqual(expect.arrayContaining(['muc#roomconfig_roomname', 'muc#roomconfig_persistentroom', 'muc#roomconfig_membersonly', 'muc#roomconfig_whois']));
    const config = roomConfig({ roomname: 'The lounge', whois: 'anyone', persistentroom: '1' });
    config.attrs.to = room;
    await alice.iq(config);
    const info = await alice.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    const features = info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['http://jabber.org/protocol/muc', 'muc_persistent', 'muc_nonanonymous', 'muc_public', 'muc_open', 'urn:xmpp:occupant-id:0']));
    expect(info.getChild('query')!.getChild('identity')?.attrs).toMatchObject({ category: 'conference', type: 'text', name: 'The lounge' });
    const items = await alice.iq(xml('iq', { type: 'get', to: service }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
    expect(items.getChild('query')!.getChildren('item').map((i) => i.attrs)).toEqual([{ jid: room, name: 'The lounge' }]);

    const bob = await world.online('bob', 'pc');
    expect(statusCodes(await join(bob, room, 'Bob'))).toEqual([100, 110]);
  });

  test('messages, subject and private messages between occupants; nickname conflicts; leaving', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await createRoom(alice, room, 'Alice');
    await join(bob, room, 'Bob');

    await expect(join(await world.online('carol', 'pc'), room, 'Bob')).rejects.toMatchObject({ condition: 'conflict' });

    await bob.send(groupchat(room, 'hello all', 'm1'));
    const atAlice = await alice.waitFor(groupchatFrom(`${room}/Bob`, 'hello all'));
    const echo = await bob.waitFor(groupchatFrom(`${room}/Bob`, 'hello all'));
    expect(echo.attrs.id).toBe('m1');
    expect(atAlice.getChild('occupant-id', OCCUPANT_ID)?.attrs.id).toBe(echo.getChild('occupant-id', OCCUPANT_ID)?.attrs.id);

    // Participants may not change the subject by default; the moderator may.
    await bob.send(xml('message', { to: room, type: 'groupchat', id: 's1' }, xml('subject', {}, 'mine')));
    expect(errorCondition(await bob.waitFor((s) => s.is('message') && s.attrs.id === 's1' && s.attrs.type === 'error'))).toBe('forbidden');
    await alice.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, 'Lunch plans')));
    await bob.waitFor((s) => s.is('message') && s.getChildText('subject') === 'Lunch plans' && s.attrs.from === `${room}/Alice`);

    await alice.send(xml('message', { to: `${room}/Bob`, type: 'chat' }, xml('body', {}, 'psst')));
    const pm = await bob.waitFor((s) => s.is('message') && s.getChildText('body') === 'psst');
    expect(pm.attrs.from).toBe(`${room}/Alice`);
    expect(pm.getChild('x', MUC_USER_NS)).toBeDefined();

    // A late joiner gets the history with delays, then the subject.
    const carol = await world.online('carol', 'pc');
    await join(carol, room, 'Carol');
    const history = await carol.waitFor(groupchatFrom(`${room}/Bob`, 'hello all'));
    expect(history.getChild('delay', DELAY)?.attrs.from).toBe(room);
    const subject = await carol.waitFor(subjectOf(room));
    expect(subject.getChildText('subject')).toBe('Lunch plans');
    expect(carol.received.indexOf(history)).toBeLessThan(carol.received.indexOf(subject));

    await bob.send(xml('presence', { to: `${room}/Bob`, type: 'unavailable' }));
    const left = await alice.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    expect(itemOf(left)?.attrs.role).toBe('none');
    const selfLeft = await bob.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    expect(statusCodes(selfLeft)).toEqual([110]);
  });

  test('history on join honours maxstanzas and maxchars', async () => {
    const alice = await world.online('alice', 'pc');
    await createRoom(alice, room, 'Alice');
    for (const body of ['one', 'two', 'three']) await alice.send(groupchat(room, body));
    await alice.waitFor(groupchatFrom(`${room}/Alice`, 'three'));
    const bob = await world.online('bob', 'pc');
    await join(bob, room, 'Bob', { history: { maxstanzas: '2' } });
    await bob.waitFor(subjectOf(room));
    expect(bob.received.filter((s) => s.getChild('delay', DELAY)).map((s) => s.getChildText('body'))).toEqual(['two', 'three']);
    const carol = await world.online('carol', 'pc');
    await join(carol, room, 'Carol', { history: { maxchars: '0' } });
    await carol.waitFor(subjectOf(room));
    expect(carol.received.filter((s) => s.getChild('delay', DELAY))).toEqual([]);
  });

  test('a temporary room ends with its last occupant; a nickname change is announced with 303', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await createRoom(alice, room, 'Alice');
    await join(bob, room, 'Bob');
    await bob.send(joinPresence(room, 'Robert'));
    const changed = await alice.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    expect(statusCodes(changed)).toEqual([303]);
    expect(itemOf(changed)?.attrs.nick).toBe('Robert');
    await alice.waitFor(presenceFrom(`${room}/Robert`));
    await bob.send(xml('presence', { to: `${room}/Robert`, type: 'unavailable' }));
    await alice.send(xml('presence', { to: `${room}/Alice`, type: 'unavailable' }));
    await alice.waitFor(presenceFrom(`${room}/Alice`, 'unavailable'));
    // Gone: the next join creates it again.
    expect(statusCodes(await join(bob, room, 'Bob'))).toEqual([110, 201]);
  });

  test('kick, ban, voice in a moderated room, affiliation lists, members-only and passwords', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    const carol = await world.online('carol', 'pc');
    await createRoom(alice, room, 'Alice', { moderatedroom: '1' });
    const bobSelf = await join(bob, room, 'Bob');
    expect(itemOf(bobSelf)?.attrs.role).toBe('visitor');
    await bob.send(groupchat(room, 'may I?', 'v1'));
    expect(errorCondition(await bob.waitFor((s) => s.is('message') && s.attrs.id === 'v1' && s.attrs.type === 'error'))).toBe('forbidden');
    await alice.iq(adminItem(room, { nick: 'Bob', role: 'participant' }));
    await eventually('bob has voice', () => bob.received.some((s) => s.is('presence') && s.attrs.from === `${room}/Bob` && itemOf(s)?.attrs.role === 'participant'));
    await bob.send(groupchat(room, 'thanks'));
    await alice.waitFor(groupchatFrom(`${room}/Bob`, 'thanks'));

    // A participant may not kick; the moderator kicks with 307 and a reason.
    expect((await iqFailure(bob, adminItem(room, { nick: 'Alice', role: 'none' }))).condition).toBe('forbidden');
    await join(carol, room, 'Carol');
    await alice.iq(adminItem(room, { nick: 'Carol', role: 'none' }, 'be nice'));
    const kicked = await carol.waitFor(presenceFrom(`${room}/Carol`, 'unavailable'));
    expect(statusCodes(kicked)).toEqual([110, 307]);
    expect(itemOf(kicked)?.getChildText('reason')).toBe('be nice');
    expect(statusCodes(await bob.waitFor(presenceFrom(`${room}/Carol`, 'unavailable')))).toEqual([307]);

    // Ban: 301, then carol may not come back; the outcast list names her.
    await join(carol, room, 'Carol');
    await alice.iq(adminItem(room, { jid: `carol@${world.domain}`, affiliation: 'outcast' }, 'spam'));
    await eventually('carol banned', () => carol.received.some((s) => s.is('presence') && s.attrs.type === 'unavailable' && statusCodes(s).includes(301)));
    await expect(join(carol, room, 'Carol2')).rejects.toMatchObject({ condition: 'forbidden' });
    const outcasts = await alice.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_ADMIN_NS }, xml('item', { affiliation: 'outcast' }))));
    expect(outcasts.getChild('query')!.getChildren('item').map((i) => i.attrs)).toEqual([{ affiliation: 'outcast', jid: `carol@${world.domain}` }]);
    expect((await iqFailure(alice, adminItem(room, { jid: `alice@${world.domain}`, affiliation: 'member' }))).condition).toBe('conflict');

    // Members-only with a password: a stranger needs membership, then the password.
    const secret = `secret@${service}`;
    await createRoom(alice, secret, 'Alice', { membersonly: '1', passwordprotectedroom: '1', roomsecret: 'sesame' });
    await expect(join(bob, secret, 'Bob')).rejects.toMatchObject({ condition: 'registration-required' });
    await alice.iq(adminItem(secret, { jid: `bob@${world.domain}`, affiliation: 'member' }));
    await expect(join(bob, secret, 'Bob')).rejects.toMatchObject({ condition: 'not-authorized' });
    expect(itemOf(await join(bob, secret, 'Bob', { password: 'sesame' }))?.attrs).toMatchObject({ affiliation: 'member', role: 'participant' });
  });

  test('a persistent room outlives its occupants with its subject, history and affiliations', async () => {
    const alice = await world.online('alice', 'pc');
    const carol = await world.online('carol', 'pc');
    await createRoom(alice, room, 'Alice', { persistentroom: '1', roomname: 'Kept' });
    await alice.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, 'Standing topic')));
    await alice.send(groupchat(room, 'remember me'));
    await alice.waitFor(groupchatFrom(`${room}/Alice`, 'remember me'));
    await alice.iq(adminItem(room, { jid: `carol@${world.domain}`, affiliation: 'outcast' }));
    await alice.send(xml('presence', { to: `${room}/Alice`, type: 'unavailable' }));
    await alice.waitFor(presenceFrom(`${room}/Alice`, 'unavailable'));

    const bob = await world.online('bob', 'pc');
    expect(statusCodes(await join(bob, room, 'Bob'))).toEqual([110]);
    expect((await bob.waitFor(groupchatFrom(`${room}/Alice`, 'remember me'))).getChild('delay', DELAY)).toBeDefined();
    expect((await bob.waitFor(subjectOf(room))).getChildText('subject')).toBe('Standing topic');
    await expect(join(carol, room, 'Carol')).rejects.toMatchObject({ condition: 'forbidden' });
    const items = await bob.iq(xml('iq', { type: 'get', to: service }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })));
    expect(items.getChild('query')!.getChildren('item').map((i) => i.attrs)).toEqual([{ jid: room, name: 'Kept' }]);
  });

  test('a persistent room keeps an archive queried at its JID (XEP-0313), each message with its stanza-id', async () => {
    const MAM = 'urn:xmpp:mam:2';
    const alice = await world.online('alice', 'pc');
    await createRoom(alice, room, 'Alice', { persistentroom: '1' });
    const info = await alice.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })));
    expect(info.getChild('query')!.getChildren('feature').map((f) => f.attrs.var)).toEqual(expect.arrayContaining([MAM, 'urn:xmpp:sid:0']));
    const sent: string[] = [];
    for (const body of ['first', 'second', 'third']) {
      await alice.send(groupchat(room, body));
      const echo = await alice.waitFor(groupchatFrom(`${room}/Alice`, body));
      const sid = echo.getChild('stanza-id', 'urn:xmpp:sid:0');
      expect(sid?.attrs.by).toBe(room);
      sent.push(String(sid?.attrs.id));
    }

    const bob = await world.online('bob', 'pc');
    const query = (set: Element) => xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MAM, queryid: 'q1' }, set));
    const fin = await bob.iq(query(xml('set', { xmlns: 'http://jabber.org/protocol/rsm' }, xml('max', {}, '2'), xml('before'))));
    const results = bob.received.filter((s) => s.is('message') && s.getChild('result', MAM)?.attrs.queryid === 'q1');
    expect(results.map((r) => r.getChild('result', MAM)!.attrs.id)).toEqual(sent.slice(1));
    const forwarded = results[0]!.getChild('result', MAM)!.getChild('forwarded', 'urn:xmpp:forward:0')!;
    expect(results[0]!.attrs.from).toBe(room);
    expect(forwarded.getChild('message')?.attrs.from).toBe(`${room}/Alice`);
    expect(forwarded.getChild('message')?.getChildText('body')).toBe('second');
    expect(forwarded.getChild('delay', DELAY)).toBeDefined();
    expect(fin.getChild('fin', MAM)?.attrs.complete).toBeUndefined();

    // A temporary room keeps none.
    const scratch = `scratch@${service}`;
    await createRoom(alice, scratch, 'Alice');
    const refused = await iqFailure(alice, xml('iq', { type: 'set', to: scratch }, xml('query', { xmlns: MAM })));
    expect(refused.condition).toBe('service-unavailable');
  });

  test('a nickname reserved for a member is refused to others and kept in the member list', async () => {
    const alice = await world.online('alice', 'pc');
    const carol = await world.online('carol', 'pc');
    await createRoom(alice, room, 'Alice', { persistentroom: '1' });
    await alice.iq(adminItem(room, { jid: `bob@${world.domain}`, affiliation: 'member', nick: 'Bobby' }));
    await expect(join(carol, room, 'Bobby')).rejects.toMatchObject({ condition: 'conflict' });
    const members = await alice.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_ADMIN_NS }, xml('item', { affiliation: 'member' }))));
    expect(members.getChild('query')!.getChildren('item').map((i) => i.attrs)).toEqual([{ affiliation: 'member', jid: `bob@${world.domain}`, nick: 'Bobby' }]);
    const bob = await world.online('bob', 'pc');
    expect(itemOf(await join(bob, room, 'Bobby'))?.attrs).toMatchObject({ affiliation: 'member', role: 'participant' });
  });

  test('invitations, self-ping and destroying a room', async () => {
    const alice = await world.online('alice', 'pc');
    const bob = await world.online('bob', 'pc');
    await createRoom(alice, room, 'Alice');
    await alice.send(xml('message', { to: room }, xml('x', { xmlns: MUC_USER_NS }, xml('invite', { to: `bob@${world.domain}` }, xml('reason', {}, 'join us')))));
    const invite = await bob.waitFor((s) => s.is('message') && s.getChild('x', MUC_USER_NS)?.getChild('invite') !== undefined);
    expect(invite.attrs.from).toBe(room);
    expect(invite.getChild('x', MUC_USER_NS)!.getChild('invite')!.attrs.from).toBe(`alice@${world.domain}`);
    expect(invite.getChild('x', MUC_USER_NS)!.getChild('invite')!.getChildText('reason')).toBe('join us');

    const ping = (to: string) => xml('iq', { type: 'get', to }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
    await alice.iq(ping(`${room}/Alice`));
    expect((await iqFailure(bob, ping(`${room}/Bob`))).condition).toBe('not-acceptable');
    await join(bob, room, 'Bob');
    await bob.iq(ping(`${room}/Bob`));

    expect((await iqFailure(bob, xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_OWNER_NS }, xml('destroy'))))).condition).toBe('forbidden');
    await alice.iq(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_OWNER_NS }, xml('destroy', {}, xml('reason', {}, 'closing')))));
    const destroyed = await bob.waitFor(presenceFrom(`${room}/Bob`, 'unavailable'));
    expect(destroyed.getChild('x', MUC_USER_NS)?.getChild('destroy')?.getChildText('reason')).toBe('closing');
    await bob.waitFor(selfPresence(room, 'Bob'));
  });
});

describe('the muc module settings', () => {
  test('the address and the rooms per owner are configurable, and a disabled module leaves the address unserved', async () => {
    const world = await startWorld(['alice'], { modules: { muc: { config: { address: 'rooms', maxRoomsPerUser: 1, roomDefaults: { whois: 'anyone' } } } } });
    try {
      const alice = await world.online('alice', 'pc');
      expect(statusCodes(await join(alice, `team@rooms.${world.domain}`, 'Alice'))).toEqual([100, 110, 201]);
      // One active room per owner here: a second is refused until the first ends.
      await expect(join(alice, `other@rooms.${world.domain}`, 'Alice')).rejects.toMatchObject({ condition: 'resource-constraint' });
      await alice.send(xml('presence', { to: `team@rooms.${world.domain}/Alice`, type: 'unavailable' }));
      await alice.waitFor(presenceFrom(`team@rooms.${world.domain}/Alice`, 'unavailable'));
      expect(statusCodes(await join(alice, `other@rooms.${world.domain}`, 'Alice'))).toEqual([100, 110, 201]);
    } finally {
      await world.stop();
    }
    const off = await startWorld(['alice'], { modules: { muc: { enabled: false } } });
    try {
      const alice = await off.online('alice', 'pc');
      await alice.send(joinPresence(`team@conference.${off.domain}`, 'Alice'));
      const refused = await alice.waitFor(selfPresence(`team@conference.${off.domain}`, 'Alice'));
      expect(errorCondition(refused)).toBe('remote-server-not-found');
    } finally {
      await off.stop();
    }
  });
});
