/**
 * Multi-user chat across a cluster of three server processes (Redis and PostgreSQL) with slixmpp
 * clients on every node: test/interop/slixmpp_muc_cluster.py goes through a room's life
 * (configuration form, members-only entry, joins, voice, messages, subject, private messages,
 * voice revoked, self-ping, kick, ban, the archive with paging) and asks for two SIGKILLs while
 * the room is busy: a node with two occupants, then the senior that holds the rooms. This test
 * kills the nodes when asked and checks what every client saw.
 */
import { eventually } from '../../server-core/testing/eventually';
import { TestCluster, type ClusterNode } from '../support/cluster-harness';
import { SlixmppProcess } from './slixmpp-process';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const ROOM = 'ops@conference.localhost';
const occupant = (nick: string) => `${ROOM}/${nick}`;
/** The script's WINDOW: how many messages a talker has out without their echo. */
const WINDOW = 4;
const nickOf = (user: string) => user[0]!.toUpperCase() + user.slice(1);
const isSenior = (node: ClusterNode, from = 0) => node.logs.slice(from).some((l) => l.event === 'markedSenior');

interface Joined {
  codes: number[];
  role: string;
  affiliation: string;
  occupants: string[];
}
interface Left {
  codes: number[];
  actor: string | null;
  reason: string | null;
}
interface PhaseOne {
  hellos: string[];
  subjects: Array<{ from: string; subject: string }>;
  config_changes: Array<{ from: string; codes: number[] }>;
  private: Array<{ from: string; body: string; muc_user: boolean }>;
  muted_seen: string[];
  voice_revoked: Array<{ role: string; actor: string; reason: string }>;
  frank_left: Left[];
  erin_left: Left[];
}
/** One SIGKILL while the room is busy: ids sent by each talker, ids each survivor got from each nick. */
interface BusyKill {
  sent: Record<string, string[]>;
  received: Record<string, Record<string, string[]>>;
  left: Record<string, string[]>;
  left_items: Record<string, Array<{ from: string; role: string; codes: number[] }>>;
  roster: Record<string, string[]>;
  fresh_join: Joined;
}
interface Seen {
  created: Joined;
  config_fields: string[];
  config_read_back: Record<string, unknown>;
  room_info_at_b: { name: string[]; features: string[] };
  roominfo_at_senior: Record<string, string>;
  staff_stranger: string;
  staff_member: Joined;
  joined: Record<string, Joined>;
  self_ping_joined: string | null;
  self_ping_kicked: string | null;
  banned_rejoin: string;
  outcasts: string[];
  archive_pages: string[][];
  phase_one: Record<string, PhaseOne>;
  erin_errors: Array<{ id: string; condition: string }>;
  rejoined_after_kick: Joined;
  p2: BusyKill;
  p3: BusyKill;
  self_ping_after_takeover: string | null;
  heidi_left: { self: number[][]; alice: number[][] };
  self_ping_left: string | null;
  archive: Array<Array<{ nick: string; id: string; archive_id: string }>>;
}

describe('multi-user chat with slixmpp across cluster nodes', () => {
  const cluster = new TestCluster();
  let slix: SlixmppProcess | undefined;
  let seen: Seen;
  afterAll(async () => {
    await slix?.stop();
    await cluster.stop();
  });

  beforeAll(async () => {
    const nodes = await cluster.start('n1', 'n2', 'n3');
    await cluster.createUsers(...USERS);
    await eventually('a senior', () => nodes.some((n) => isSenior(n)), 20000);
    const senior = nodes.find((n) => isSenior(n))!;
    // Alice (the owner) and Dave on a, Bob and Frank on b, Carol and Erin on the senior.
    const [a, b] = nodes.filter((n) => n !== senior) as [ClusterNode, ClusterNode];
    slix = new SlixmppProcess('slixmpp_muc_cluster.py', [JSON.stringify({ domain: 'localhost', ports: { senior: senior.c2sPort, a: a.c2sPort, b: b.c2sPort } })]);

    await slix.waitFor('kill', (e) => e.node === 'b', 40000);
    b.signal('SIGKILL');
    await b.exited;
    slix.command('killed', { node: 'b' });

    await slix.waitFor('kill', (e) => e.node === 'senior', 40000);
    const logged = a.logs.length;
    senior.signal('SIGKILL');
    await senior.exited;
    // The talkers' next messages go to the node that took the rooms over.
    await eventually('node a took over', () => isSenior(a, logged), 20000);
    slix.command('killed', { node: 'senior' });

    seen = (await slix.waitFor('done', () => true, 60000)).seen as Seen;
  }, 100000);

  it('creates and configures a room through the form and reads the configuration back', () => {
    expect(seen.created).toEqual({ codes: [110, 201], role: 'moderator', affiliation: 'owner', occupants: ['Alice'] });
    expect(seen.config_fields).toEqual(
      expect.arrayContaining(['muc#roomconfig_roomname', 'muc#roomconfig_roomdesc', 'muc#roomconfig_persistentroom', 'muc#roomconfig_membersonly', 'muc#roomconfig_moderatedroom', 'muc#roomconfig_maxusers', 'muc#roomconfig_whois']),
    );
    expect(seen.config_read_back).toEqual({ roomname: 'Operations', roomdesc: 'The night shift', persistentroom: true, moderatedroom: true, membersonly: false, publicroom: true, maxusers: '20', whois: 'moderators' });
    // Asked from another node than the owner's.
    expect(seen.room_info_at_b).toEqual({ name: ['Operations'], features: ['muc_moderated', 'muc_open', 'muc_persistent', 'muc_public', 'muc_semianonymous', 'muc_unsecured', 'urn:xmpp:mam:2'] });
    // Changed again with six occupants inside: each is told once (104), the senior's disco#info shows it.
    for (const [user, one] of Object.entries(seen.phase_one)) expect([user, one.config_changes]).toEqual([user, [{ from: ROOM, codes: [104] }]]);
    expect(seen.roominfo_at_senior).toMatchObject({ FORM_TYPE: 'http://jabber.org/protocol/muc#roominfo', 'muc#roominfo_description': 'The night shift on three nodes', 'muc#roominfo_occupants': '6', 'muc#roominfo_subject': 'Night shift' });
  });

  it('admits a member to a members-only room and refuses a stranger', () => {
    expect(seen.staff_stranger).toBe('registration-required');
    expect(seen.staff_member).toEqual({ codes: [110], role: 'participant', affiliation: 'member', occupants: ['Alice', 'Bob'] });
  });

  it('lets occupants of every node join the moderated room as visitors, each seeing those before', () => {
    const order = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank'];
    for (const [n, nick] of order.slice(1).entries()) {
      expect(seen.joined[nick]).toEqual({ codes: [110], role: 'visitor', affiliation: 'none', occupants: order.slice(0, n + 2) });
    }
  });

  it('delivers every message, the subject and private messages once, and nothing from a muted occupant', () => {
    const hellos = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((u) => `${occupant(nickOf(u))} hello from ${u}`);
    for (const [user, one] of Object.entries(seen.phase_one)) {
      expect([user, one.hellos]).toEqual([user, hellos]);
      expect(one.subjects).toEqual([{ from: occupant('Alice'), subject: 'Night shift' }]);
      const privates: Record<string, PhaseOne['private']> = {
        carol: [{ from: occupant('Bob'), body: 'psst carol', muc_user: true }],
        bob: [{ from: occupant('Carol'), body: 'hi bob', muc_user: true }],
      };
      expect([user, one.private]).toEqual([user, privates[user] ?? []]);
      expect(one.voice_revoked).toEqual([{ role: 'visitor', actor: 'Alice', reason: 'quiet please' }]);
      expect(one.muted_seen).toEqual([]);
    }
    expect(seen.erin_errors).toEqual([{ id: 'erin-muted', condition: 'forbidden' }]);
  });

  it('kicks (307) and bans (301) across nodes; the outcast cannot come back, the kicked one can', () => {
    for (const [user, one] of Object.entries(seen.phase_one)) {
      expect([user, one.frank_left]).toEqual([user, [{ codes: user === 'frank' ? [110, 307] : [307], actor: 'Alice', reason: 'flooding' }]]);
      // Frank was out of the room when Erin was banned.
      const erinLeft = user === 'frank' ? [] : [{ codes: user === 'erin' ? [110, 301] : [301], actor: 'Alice', reason: 'spam' }];
      expect([user, one.erin_left]).toEqual([user, erinLeft]);
    }
    expect(seen.banned_rejoin).toBe('forbidden');
    expect(seen.outcasts).toEqual(['erin@localhost']);
    expect(seen.rejoined_after_kick).toEqual({ codes: [110], role: 'visitor', affiliation: 'none', occupants: ['Alice', 'Bob', 'Carol', 'Dave', 'Frank'] });
  });

  it('answers self-pings of occupants (also at the node that took over) and not-acceptable after leaving', () => {
    expect(seen.self_ping_joined).toBeNull();
    expect(seen.self_ping_kicked).toBe('not-acceptable');
    expect(seen.self_ping_after_takeover).toBeNull();
    expect(seen.heidi_left).toEqual({ self: [[110]], alice: [[]] });
    expect(seen.self_ping_left).toBe('not-acceptable');
  });

  it('pages through the room archive from another node', () => {
    expect(seen.archive_pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    expect(seen.archive_pages.flat().sort()).toEqual(['after-mute', 'hello-alice', 'hello-bob', 'hello-carol', 'hello-dave', 'hello-erin', 'hello-frank']);
  });

  it('a node dies while four occupants talk: one unavailable per lost occupant, every survivor message once', () => {
    const { sent, received, left, left_items, roster, fresh_join } = seen.p2;
    // Messages flowed before, while and after the node died.
    expect(sent.alice!.length).toBeGreaterThan(8 + 10);
    for (const survivor of ['alice', 'carol', 'dave']) {
      for (const talker of ['alice', 'carol', 'dave']) expect([survivor, talker, received[survivor]![nickOf(talker)]]).toEqual([survivor, talker, sent[talker]]);
      // Bob's messages that reached the room before his node died, in order, once, the same everywhere.
      const bob = received[survivor]!.Bob!;
      expect(bob).toEqual(sent.bob!.slice(0, bob.length));
      expect(bob).toEqual(received.alice!.Bob);
      expect(left[survivor]).toEqual(['Bob', 'Frank']);
      expect(left_items[survivor]!.map((p) => p.role)).toEqual(['none', 'none']);
      expect(roster[survivor]).toEqual(['Alice', 'Carol', 'Dave']);
    }
    expect(fresh_join).toEqual({ codes: [110], role: 'visitor', affiliation: 'none', occupants: ['Alice', 'Carol', 'Dave', 'Grace'] });
  });

  it('the senior dies while three occupants talk: the room carries on at another node, nothing lost, nothing twice', () => {
    const { sent, received, left, roster, fresh_join } = seen.p3;
    for (const survivor of ['alice', 'dave', 'grace']) {
      for (const talker of ['alice', 'dave']) {
        // What was on its way to the dying senior is sent again to its successor, in order, once.
        expect([survivor, talker, received[survivor]![nickOf(talker)]]).toEqual([survivor, talker, sent[talker]]);
      }
      const carol = received[survivor]!.Carol!;
      expect(carol).toEqual(sent.carol!.slice(0, carol.length));
      expect(left[survivor]).toEqual(['Carol']);
      expect(roster[survivor]).toEqual(['Alice', 'Dave', 'Grace']);
    }
    expect(fresh_join).toEqual({ codes: [110], role: 'visitor', affiliation: 'none', occupants: ['Alice', 'Dave', 'Grace', 'Heidi'] });
  });

  it('keeps every delivered message once in the archive, written by both owners in turn', () => {
    const pages = seen.archive;
    expect(pages.slice(0, -1).every((page) => page.length === 25)).toBe(true);
    expect(pages.at(-1)!.length).toBeGreaterThan(0);
    expect(pages.at(-1)!.length).toBeLessThanOrEqual(25);
    const archived = pages.flat();
    const ids = archived.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(archived.map((m) => m.archive_id)).size).toBe(archived.length);
    // Each message under its sender's nickname: p2-alice-3, p2-alice-after-3 and p2-end-alice are Alice's.
    const talker = (id: string) => nickOf(id.replace(/^(p[23]|hello)-(end-)?/, '').split('-')[0]!);
    for (const m of archived.filter((m) => m.id !== 'after-mute')) expect([m.id, m.nick]).toEqual([m.id, talker(m.id)]);
    const received = (phase: BusyKill, survivors: string[]) => survivors.flatMap((s) => Object.values(phase.received[s]!).flat());
    const delivered = new Set([...received(seen.p2, ['alice', 'carol', 'dave']), ...received(seen.p3, ['alice', 'dave', 'grace'])]);
    const everySent = new Set([...seen.archive_pages.flat(), ...Object.values(seen.p2.sent).flat(), ...Object.values(seen.p3.sent).flat()]);
    expect(seen.archive_pages.flat().filter((id) => !ids.includes(id))).toEqual([]);
    expect([...delivered].filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !everySent.has(id))).toEqual([]);
    const lost = Object.values(seen.p3.sent).flat().length - Object.values(seen.p3.received.alice!).flat().length;
    console.log(
      `muc slixmpp cluster: ${Object.values(seen.p2.sent).flat().length} messages through the SIGKILL of a node (none lost, none twice), ` +
        `${Object.values(seen.p3.sent).flat().length} through the SIGKILL of the senior (${lost} lost, none twice), ${archived.length} archived once each in ${pages.length} pages`,
    );
  });
});
