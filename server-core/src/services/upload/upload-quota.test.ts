/**
 * Per-account upload quotas under concurrent slot requests: on SQLite (one node) and on
 * PostgreSQL, where two nodes (two connection pools here) issue slots at the same time, requests
 * racing for the room left for one file get one slot between them, never two.
 */
import { openStorage, runMigrations, type Database } from '../../storage';
import { createTestDatabaseLocation, TEST_BACKENDS, type TestDatabaseLocation } from '../../../testing/databases';
import { UPLOAD_MIGRATIONS } from './upload-migrations';
import { UploadStore } from './upload-store';

describe.each(TEST_BACKENDS)('upload quota on %s', (backend) => {
  let location: TestDatabaseLocation;
  let db: Database;
  /** The second node's connection to the same database (PostgreSQL only). */
  let other: Database | undefined;
  let stores: UploadStore[];

  beforeAll(async () => {
    location = await createTestDatabaseLocation(backend);
    const storage = await openStorage(location.options, { scramIterations: 16 });
    db = storage.db;
    await storage.stores.accounts.create('alice', 'pw');
    await runMigrations(db, 'upload', UPLOAD_MIGRATIONS);
    if (backend === 'postgres') other = (await openStorage(location.options, { scramIterations: 16 })).db;
    stores = [db, other ?? db].map((d) => new UploadStore(d));
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
    await location?.dispose();
  });

  const slot = (n: number, size: number, now: number) => ({ id: `slot-${now}-${n}`, username: 'alice', filename: `f${n}.bin`, size, content_type: 'application/octet-stream', created_at: now, expires_at: now + 60_000 });

  it('twenty requests at once for 600 bytes each against 1000 left get one slot', async () => {
    const now = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => stores[n % 2]!.addSlotWithinQuota(slot(n, 600, now), 1000)));
    expect(outcomes.filter((o) => o.added)).toHaveLength(1);
    expect(await stores[0]!.usedBytes('alice', now)).toBe(600);
    // The ones refused saw the slot that fitted.
    expect(outcomes.filter((o) => !o.added).every((o) => o.used === 600)).toBe(true);
  });

  it('requests that fit together all get their slot', async () => {
    const now = Date.now() + 120_000;
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, n) => stores[n % 2]!.addSlotWithinQuota(slot(n, 100, now), 500)));
    expect(outcomes.every((o) => o.added)).toBe(true);
    expect(await stores[0]!.usedBytes('alice', now)).toBe(500);
  });
});
