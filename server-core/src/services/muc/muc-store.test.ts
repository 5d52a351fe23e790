import { openDatabase, runMigrations, type Database } from '../../storage';
import { TEST_BACKENDS, createTestDatabaseLocation, type TestDatabaseLocation } from '../../../testing/databases';
import { MUC_MIGRATIONS } from './muc-migrations';
import { MucStore } from './muc-store';
import { ArchiveStore } from '../../im/mam';
import { Element } from 'ltx';
import { MucArchive } from './muc-archive';
import type { RoomConfig, RoomState } from './muc-types';

const defaults: RoomConfig = {
  name: '',
  description: '',
  persistent: true,
  public: true,
  membersOnly: false,
  moderated: false,
  password: '',
  whois: 'moderators',
  maxUsers: 50,
  changeSubject: false,
  allowInvites: false,
  allowPrivateMessages: true,
};

const room = (): RoomState => ({
  jid: 'team@conference.example.com',
  config: { ...defaults, name: 'Team', membersOnly: true },
  locked: false,
  subject: { text: 'Release', nick: 'Alice' },
  affiliations: {
    'alice@example.com': { affiliation: 'owner', nick: null, reason: null },
    'bob@example.com': { affiliation: 'member', nick: 'Bobby', reason: null },
    'eve@example.com': { affiliation: 'outcast', nick: null, reason: 'spam' },
  },
  occupants: [{ nick: 'Alice', bare: 'alice@example.com', jids: ['alice@example.com/pc'], role: 'moderator', presence: '<presence/>' }],
  history: [],
  salt: 'salt',
  createdAt: 1700000000000,
});

describe.each(TEST_BACKENDS)('MUC store on %s', (backend) => {
  let location: TestDatabaseLocation;
  let db: Database;
  let store: MucStore;

  beforeEach(async () => {
    location = await createTestDatabaseLocation(backend);
    db = await openDatabase(location.options);
    await runMigrations(db, 'muc', MUC_MIGRATIONS);
    store = new MucStore(db, defaults);
  });
  afterEach(async () => {
    await db.close();
    await location.dispose();
  });

  test('a persistent room comes back with its configuration, subject, affiliations and newest history, without occupants', async () => {
    const saved = room();
    await store.saveRoom(saved);
    for (let n = 1; n <= 5; n++) await store.appendHistory(saved.jid, { stamp: 1700000000000 + n, nick: 'Alice', xml: `<message><body>${n}</body></message>` }, 3);
    const loaded = await store.loadRoom(saved.jid, 3);
    expect(loaded).toEqual({
      ...saved,
      occupants: [],
      history: [3, 4, 5].map((n) => ({ stamp: 1700000000000 + n, nick: 'Alice', xml: `<message><body>${n}</body></message>` })),
    });
    expect(await db.all('SELECT seq FROM muc_history ORDER BY seq')).toEqual([{ seq: 3 }, { seq: 4 }, { seq: 5 }]);
    expect(await store.publicRooms()).toEqual([{ jid: saved.jid, name: 'Team' }]);
  });

  test('a forwarded message archived by a senior that died is not archived again by the next: same row, same stanza-id', async () => {
    const saved = room();
    await store.saveRoom(saved);
    const message = () => new Element('message', { type: 'groupchat', from: `${saved.jid}/Alice` }).c('body').t('once').up();
    let forwardId: string | undefined = 'node-b.x1.7';
    const dying = new MucArchive(db, () => forwardId);
    const next = new MucArchive(db, () => forwardId);
    const first = message();
    await dying.record(saved, 'Alice', first);
    const again = message();
    await next.record(saved, 'Alice', again);
    const stanzaId = (m: Element) => m.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id;
    expect(stanzaId(again)).toBe(stanzaId(first));
    expect(await db.all('SELECT id FROM muc_archive')).toEqual([{ id: stanzaId(first) }]);
    // Messages of the senior's own clients carry no forward id: each is archived.
    forwardId = undefined;
    await next.record(saved, 'Alice', message());
    await next.record(saved, 'Alice', message());
    expect(await db.all('SELECT id FROM muc_archive')).toHaveLength(3);
  });

  test('saving again replaces the affiliation list; deleting the room takes affiliations, history and archive', async () => {
    const saved = room();
    await store.saveRoom(saved);
    await store.appendHistory(saved.jid, { stamp: 1, nick: 'Alice', xml: '<message/>' }, 10);
    delete saved.affiliations['eve@example.com'];
    saved.config.public = false;
    await store.saveRoom(saved);
    expect(Object.keys((await store.loadRoom(saved.jid, 10))!.affiliations).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    expect(await store.publicRooms()).toEqual([]);
    const archive = new ArchiveStore(db, 'muc_archive');
    await archive.insert([{ owner: saved.jid, id: '0000000000000abcdefg', withJid: saved.jid, withResource: 'Alice', ts: 1, stanza: '<message/>' }]);
    expect(await archive.page({ owner: saved.jid, withResource: 'Alice', fromEnd: false, limit: 5 })).toEqual([{ id: '0000000000000abcdefg', ts: 1, stanza: '<message/>' }]);
    await store.deleteRoom(saved.jid);
    expect(await store.loadRoom(saved.jid, 10)).toBeUndefined();
    expect(await db.all('SELECT id FROM muc_archive')).toEqual([]);
    expect(await db.all('SELECT room FROM muc_affiliations')).toEqual([]);
    expect(await db.all('SELECT room FROM muc_history')).toEqual([]);
  });
});
