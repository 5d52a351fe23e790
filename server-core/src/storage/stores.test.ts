import { deriveScramCredential } from '../auth/scram-credentials';
import { openStorage } from './open-storage';
import { StorageError } from './stores';
import type { RosterItem, Stores } from './stores';
import { createTestDatabaseLocation, TEST_BACKENDS } from '../../testing/databases';
import type { TestDatabaseLocation } from '../../testing/databases';
import type { Database } from './types';

const ITERATIONS = 16;

function item(jid: string, changes: Partial<RosterItem> = {}): RosterItem {
  return {
    jid,
    name: null,
    subscription: 'none',
    askOut: false,
    pendingIn: false,
    pendingInStanza: null,
    preApproved: false,
    groups: [],
    ...changes,
  };
}

async function expectStorageError(promise: Promise<unknown>, kind: StorageError['kind']): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(StorageError);
  await expect(promise).rejects.toMatchObject({ kind });
}

describe.each(TEST_BACKENDS)('core stores on %s', (backend) => {
  let location: TestDatabaseLocation;
  let db: Database;
  let stores: Stores;

  beforeAll(async () => {
    location = await createTestDatabaseLocation(backend);
    ({ db, stores } = await openStorage(location.options, { scramIterations: ITERATIONS }));
  });

  afterAll(async () => {
    await db?.close();
    await location?.dispose();
  });

  describe('accounts', () => {
    it('creates an account with SCRAM keys that match the password, never the password itself', async () => {
      await stores.accounts.create('Juliet', 'balcony', { isAdmin: true });
      const account = await stores.accounts.get('juliet');
      expect(account).toMatchObject({ username: 'juliet', isAdmin: true });
      expect(account!.createdAt).toBeGreaterThan(Date.now() - 60_000);
      for (const [mechanism, hash] of [['SCRAM-SHA-1', 'sha1'], ['SCRAM-SHA-256', 'sha256']] as const) {
        const stored = account!.credentials[mechanism];
        expect(stored.iterations).toBe(ITERATIONS);
        expect(deriveScramCredential('balcony', hash, stored.iterations, stored.salt)).toEqual(stored);
      }
      const dump = JSON.stringify(await db.all('SELECT * FROM scram_credentials')) + JSON.stringify(await db.all('SELECT * FROM accounts'));
      expect(dump).not.toContain('balcony');
    });

    it('refuses a duplicate with conflict and bad usernames with invalid', async () => {
      await stores.accounts.create('romeo', 'montague');
      await expectStorageError(stores.accounts.create('ROMEO', 'other'), 'conflict');
      for (const bad of ['', 'a@b', 'a/b', 'a b', 'a:b', 'a<b', "a'b", 'a"b', 'a&b', 'x'.repeat(1024)]) {
        await expectStorageError(stores.accounts.create(bad, 'pw'), 'invalid');
      }
      await expectStorageError(stores.accounts.create('mercutio', ''), 'invalid');
      expect(await stores.accounts.list()).toEqual(['juliet', 'romeo']);
    });

    it('verifies passwords, changes them and toggles admin', async () => {
      expect(await stores.accounts.verifyPassword('romeo', 'montague')).toBe(true);
      expect(await stores.accounts.verifyPassword('romeo', 'capulet')).toBe(false);
      expect(await stores.accounts.verifyPassword('nobody', 'montague')).toBe(false);
      await stores.accounts.setPassword('romeo', 'capulet');
      expect(await stores.accounts.verifyPassword('romeo', 'montague')).toBe(false);
      expect(await stores.accounts.verifyPassword('romeo', 'capulet')).toBe(true);
      await expectStorageError(stores.accounts.setPassword('nobody', 'x'), 'not-found');
      await stores.accounts.setAdmin('romeo', true);
      expect((await stores.accounts.get('romeo'))?.isAdmin).toBe(true);
      await expectStorageError(stores.accounts.setAdmin('nobody', true), 'not-found');
      expect(await stores.accounts.exists('romeo')).toBe(true);
      expect(await stores.accounts.exists('nobody')).toBe(false);
    });

    it('deleting an account removes its roster, offline queue, vCard and blocklist', async () => {
      await stores.accounts.create('tybalt', 'sword');
      await stores.rosters.put('tybalt', item('romeo@verona.example', { subscription: 'both' }));
      await stores.offline.push('tybalt', '<message/>', { messages: 10, bytes: 10_000 });
      await stores.vcards.set('tybalt', '<vCard/>');
      await stores.blocklists.add('tybalt', ['romeo@verona.example']);

      expect(await stores.accounts.delete('tybalt')).toBe(true);
      expect(await stores.accounts.delete('tybalt')).toBe(false);
      expect(await stores.accounts.get('tybalt')).toBeUndefined();
      for (const table of ['scram_credentials', 'roster_items', 'offline_messages', 'vcards', 'blocklist_items', 'user_counters']) {
        expect(await db.all(`SELECT * FROM ${table} WHERE username = ?`, ['tybalt'])).toEqual([]);
      }
      // Recreated under the same name, the account starts empty.
      await stores.accounts.create('tybalt', 'sword');
      expect(await stores.rosters.get('tybalt')).toEqual({ version: '0', items: [] });
      await stores.accounts.delete('tybalt');
    });
  });

  describe('rosters', () => {
    it('puts items, bumps the version on each change and reads them back', async () => {
      expect(await stores.rosters.get('juliet')).toEqual({ version: '0', items: [] });
      const nurse = item('nurse@verona.example', {
        name: 'Nurse',
        subscription: 'from',
        askOut: true,
        pendingIn: true,
        pendingInStanza: '<presence type="subscribe"/>',
        preApproved: true,
        groups: ['Household', 'Household', 'Verona'],
      });
      expect(await stores.rosters.put('juliet', nurse)).toBe('1');
      expect(await stores.rosters.put('juliet', item('romeo@verona.example', { subscription: 'both' }))).toBe('2');
      expect(await stores.rosters.put('juliet', { ...nurse, name: 'Angelica' })).toBe('3');

      const roster = await stores.rosters.get('juliet');
      expect(roster.version).toBe('3');
      expect(roster.items).toEqual([
        { ...nurse, name: 'Angelica', groups: ['Household', 'Verona'] },
        item('romeo@verona.example', { subscription: 'both' }),
      ]);
      expect(await stores.rosters.getItem('juliet', 'romeo@verona.example')).toEqual(item('romeo@verona.example', { subscription: 'both' }));
      expect(await stores.rosters.getItem('juliet', 'paris@verona.example')).toBeUndefined();
    });

    it('removes items, answering undefined when there was none', async () => {
      expect(await stores.rosters.remove('juliet', 'nurse@verona.example')).toBe('4');
      expect(await stores.rosters.remove('juliet', 'nurse@verona.example')).toBeUndefined();
      expect((await stores.rosters.get('juliet')).version).toBe('4');
    });

    it('lists the owners whose roster holds a contact', async () => {
      await stores.rosters.put('romeo', item('friar@verona.example'));
      await stores.rosters.put('juliet', item('friar@verona.example'));
      expect(await stores.rosters.ownersOf('friar@verona.example')).toEqual(['juliet', 'romeo']);
      expect(await stores.rosters.ownersOf('nobody@verona.example')).toEqual([]);
    });

    it('refuses invalid items and unknown owners', async () => {
      await expectStorageError(stores.rosters.put('juliet', item('x@y', { subscription: 'remove' as never })), 'invalid');
      await expectStorageError(stores.rosters.put('juliet', item('')), 'invalid');
      await expectStorageError(stores.rosters.put('juliet', item('x@y', { groups: [''] })), 'invalid');
      await expectStorageError(stores.rosters.put('nobody', item('x@y')), 'not-found');
      await expectStorageError(stores.rosters.get('juliet@verona.example'), 'invalid');
    });
  });

  describe('offline messages', () => {
    const quota = (messages: number, bytes = 1_000_000) => ({ messages, bytes });
    const everything = { afterId: 0, maxMessages: 100, maxBytes: 1_000_000 };

    it('queues up to the message limit and hands messages out oldest first until removed', async () => {
      for (const n of [1, 2, 3]) expect(await stores.offline.push('romeo', `<message id="${n}"/>`, quota(3))).toEqual({ stored: true });
      expect(await stores.offline.push('romeo', '<message id="4"/>', quota(3))).toEqual({ stored: false, full: 'messages' });
      expect(await stores.offline.count('romeo')).toBe(3);

      const peeked = await stores.offline.peek('romeo', everything);
      expect(peeked.map((m) => m.xml)).toEqual(['<message id="1"/>', '<message id="2"/>', '<message id="3"/>']);
      expect(peeked.map((m) => m.id)).toEqual([...peeked.map((m) => m.id)].sort((a, b) => a - b));
      expect(new Set(peeked.map((m) => m.id)).size).toBe(3);
      expect(peeked.every((m) => typeof m.stamp === 'number' && m.stamp > Date.now() - 60_000)).toBe(true);
      // Peeking removes nothing: a reader that dies before it has handed them over loses none.
      expect(await stores.offline.peek('romeo', everything)).toEqual(peeked);
      expect(await stores.offline.peek('romeo', { ...everything, afterId: peeked[0].id })).toEqual(peeked.slice(1));

      await stores.offline.remove('romeo', [peeked[0].id, peeked[1].id]);
      expect((await stores.offline.peek('romeo', everything)).map((m) => m.xml)).toEqual(['<message id="3"/>']);
      await stores.offline.remove('romeo', [peeked[2].id, 999_999]);
      expect(await stores.offline.peek('romeo', everything)).toEqual([]);
      expect(await stores.offline.count('romeo')).toBe(0);
    });

    it('keeps the byte limit, and batches by count and bytes (the first message whatever its size)', async () => {
      const big = `<message>${'x'.repeat(300)}</message>`;
      expect(await stores.offline.push('romeo', big, quota(10, 700))).toEqual({ stored: true });
      expect(await stores.offline.push('romeo', big, quota(10, 700))).toEqual({ stored: true });
      expect(await stores.offline.push('romeo', big, quota(10, 700))).toEqual({ stored: false, full: 'bytes' });
      expect(await stores.offline.push('romeo', '<message/>', quota(10, 700))).toEqual({ stored: true });
      expect(await stores.offline.peek('romeo', { afterId: 0, maxMessages: 10, maxBytes: 100 })).toHaveLength(1);
      expect(await stores.offline.peek('romeo', { afterId: 0, maxMessages: 10, maxBytes: 640 })).toHaveLength(2);
      expect(await stores.offline.peek('romeo', { afterId: 0, maxMessages: 2, maxBytes: 10_000 })).toHaveLength(2);
      expect(await stores.offline.peek('romeo', { afterId: 0, maxMessages: 10, maxBytes: 10_000 })).toHaveLength(3);
    });

    it('keeps the limit under concurrent pushes', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, n) => stores.offline.push('juliet', `<message id="c${n}"/>`, quota(5))));
      expect(results.filter((r) => r.stored)).toHaveLength(5);
      expect(await stores.offline.count('juliet')).toBe(5);
      expect(await stores.offline.peek('juliet', everything)).toHaveLength(5);
    });

    it('refuses unknown owners and bad input', async () => {
      await expectStorageError(stores.offline.push('nobody', '<message/>', quota(5)), 'not-found');
      await expectStorageError(stores.offline.push('romeo', '', quota(5)), 'invalid');
      await expectStorageError(stores.offline.push('romeo', '<message/>', quota(-1)), 'invalid');
      await expectStorageError(stores.offline.push('romeo', '<message/>', quota(5, 1.5)), 'invalid');
    });
  });

  describe('vCards', () => {
    it('stores, replaces and reads a vCard', async () => {
      expect(await stores.vcards.get('juliet')).toBeUndefined();
      await stores.vcards.set('juliet', '<vCard xmlns="vcard-temp"><FN>Juliet</FN></vCard>');
      await stores.vcards.set('juliet', '<vCard xmlns="vcard-temp"><FN>Juliet Capulet</FN></vCard>');
      expect(await stores.vcards.get('juliet')).toBe('<vCard xmlns="vcard-temp"><FN>Juliet Capulet</FN></vCard>');
      await expectStorageError(stores.vcards.set('nobody', '<vCard/>'), 'not-found');
    });
  });

  describe('blocklists', () => {
    it('adds without duplicates, removes some, then all', async () => {
      await stores.blocklists.add('juliet', ['paris@verona.example', 'tybalt@verona.example']);
      await stores.blocklists.add('juliet', ['paris@verona.example', 'rosaline@verona.example']);
      expect(await stores.blocklists.list('juliet')).toEqual(['paris@verona.example', 'rosaline@verona.example', 'tybalt@verona.example']);
      await stores.blocklists.remove('juliet', ['rosaline@verona.example']);
      expect(await stores.blocklists.list('juliet')).toEqual(['paris@verona.example', 'tybalt@verona.example']);
      await stores.blocklists.remove('juliet', []);
      expect(await stores.blocklists.list('juliet')).toEqual([]);
      await expectStorageError(stores.blocklists.add('nobody', ['x@y']), 'not-found');
      await expectStorageError(stores.blocklists.add('juliet', ['bad jid']), 'invalid');
    });
  });
});
