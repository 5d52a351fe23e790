import { InProcessCluster } from '../cluster/in-process-cluster';
import { TestClusterWorld } from '../../testing/cluster-world';
import { openStorage } from '../storage/open-storage';
import type { RosterItem, RosterStore, Stores } from '../storage/stores';
import { createTestDatabaseLocation, type TestDatabaseLocation } from '../../testing/databases';
import type { Database } from '../storage/types';
import { CachedRosterStore } from './cached-roster-store';
import { eventually } from '../../testing/eventually';

const contact = (jid: string): RosterItem => ({ jid, name: null, subscription: 'both', askOut: false, pendingIn: false, pendingInStanza: null, preApproved: false, groups: [] });
const jids = (roster: { items: RosterItem[] }) => roster.items.map((i) => i.jid);

/** The real store, counting how often a whole roster is read from the database. */
function countingReads(store: RosterStore): { store: RosterStore; reads: () => number } {
  let reads = 0;
  const counted = Object.create(store) as RosterStore;
  counted.get = (owner) => {
    reads += 1;
    return store.get(owner);
  };
  return { store: counted, reads: () => reads };
}

/** Reads alice's roster through `store` until it lists one contact (a change still on its way); returns the contacts. */
async function readUntilOneContact(store: CachedRosterStore, what: string): Promise<string[]> {
  let seen: string[] = [];
  await eventually(what, () => {
    void store.get('alice').then((r) => (seen = jids(r)));
    return seen.length === 1;
  });
  return seen;
}

describe('CachedRosterStore', () => {
  let location: TestDatabaseLocation;
  let db: Database;
  let stores: Stores;

  beforeEach(async () => {
    location = await createTestDatabaseLocation('postgres');
    ({ db, stores } = await openStorage(location.options, { scramIterations: 16 }));
    await stores.accounts.create('alice', 'secret');
  });
  afterEach(async () => {
    await db.close();
    await location.dispose();
  });

  it('reads a roster once, then from memory, and a change through it is seen at once', async () => {
    const cluster = new InProcessCluster({ nodeId: 'solo' });
    const counting = countingReads(stores.rosters);
    const cached = new CachedRosterStore(counting.store, cluster);
    await stores.rosters.put('alice', contact('bob@localhost'));
    expect(jids(await cached.get('alice'))).toEqual(['bob@localhost']);
    expect(jids(await cached.get('Alice'))).toEqual(['bob@localhost']);
    expect(counting.reads()).toBe(1);
    await cached.put('alice', contact('carol@localhost'));
    expect(jids(await cached.get('alice'))).toEqual(['bob@localhost', 'carol@localhost']);
    await cached.remove('alice', 'bob@localhost');
    expect(jids(await cached.get('alice'))).toEqual(['carol@localhost']);
    expect(counting.reads()).toBe(3);
    cached.dispose();
  });

  it('a write made behind its back shows once the copy is old enough to be checked again, without a reader waiting on the check', async () => {
    let now = 1_000;
    const cached = new CachedRosterStore(stores.rosters, new InProcessCluster({ nodeId: 'solo' }), { revalidateMs: 500, now: () => now });
    expect(jids(await cached.get('alice'))).toEqual([]);
    await stores.rosters.put('alice', contact('bob@localhost'));
    expect(jids(await cached.get('alice'))).toEqual([]);
    now += 500;
    // The read that notices the copy is old still gets it; the check runs behind it.
    expect(jids(await cached.get('alice'))).toEqual([]);
    expect(await readUntilOneContact(cached, 'the checked copy')).toEqual(['bob@localhost']);
    cached.dispose();
  });

  it('does not keep a read that overlapped a change', async () => {
    const cached = new CachedRosterStore(stores.rosters, new InProcessCluster({ nodeId: 'solo' }));
    const reading = cached.get('alice');
    await cached.put('alice', contact('bob@localhost'));
    await reading;
    expect(jids(await cached.get('alice'))).toEqual(['bob@localhost']);
    cached.dispose();
  });

  describe('on several nodes', () => {
    let world: TestClusterWorld;
    beforeEach(() => {
      world = new TestClusterWorld();
    });
    afterEach(() => world.stopAll());

    it('a change through one node drops the copy on the others', async () => {
      const [a, b] = await world.startNodes('a', 'b');
      await eventually('both members', () => a!.members().length === 2 && b!.members().length === 2);
      const onA = new CachedRosterStore(stores.rosters, a!);
      const onB = new CachedRosterStore(stores.rosters, b!);
      expect(jids(await onA.get('alice'))).toEqual([]);
      await onB.put('alice', contact('bob@localhost'));
      expect(await readUntilOneContact(onA, 'node a reads the change')).toEqual(['bob@localhost']);
      onA.dispose();
      onB.dispose();
    });
  });
});
