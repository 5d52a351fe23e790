import { openDatabase } from './open-database';
import { runMigrations, schemaVersion } from './migrations';
import { CORE_MIGRATIONS } from './core-migrations';
import { createTestDatabaseLocation, TEST_BACKENDS } from '../../testing/databases';
import type { TestDatabaseLocation } from '../../testing/databases';
import type { Database, Migration } from './types';

const BOOKMARKS_V1: Migration = {
  version: 1,
  description: 'bookmarks',
  statements: ['CREATE TABLE bookmarks (username TEXT PRIMARY KEY, url TEXT NOT NULL)'],
};
const BOOKMARKS_V2: Migration = {
  version: 2,
  description: 'bookmark titles',
  statements: ['ALTER TABLE bookmarks ADD COLUMN title TEXT'],
};

describe.each(TEST_BACKENDS)('migrations on %s', (backend) => {
  let location: TestDatabaseLocation;
  let db: Database;

  beforeAll(async () => {
    location = await createTestDatabaseLocation(backend);
    db = await openDatabase(location.options);
  });

  afterAll(async () => {
    await db?.close();
    await location?.dispose();
  });

  it('applies the core schema once; running again changes nothing', async () => {
    expect(await runMigrations(db, 'core', CORE_MIGRATIONS)).toBe(CORE_MIGRATIONS.length);
    expect(await runMigrations(db, 'core', CORE_MIGRATIONS)).toBe(0);
    expect(await schemaVersion(db, 'core')).toBe(CORE_MIGRATIONS.length);
  });

  it('versions each owner separately and applies only what is new', async () => {
    expect(await runMigrations(db, 'bookmarks', [BOOKMARKS_V1])).toBe(1);
    expect(await runMigrations(db, 'bookmarks', [BOOKMARKS_V2, BOOKMARKS_V1])).toBe(1);
    await db.run('INSERT INTO bookmarks (username, url, title) VALUES (?, ?, ?)', ['juliet', 'https://example.com/', 'Example']);
    const rows = await db.all<{ owner: string; version: number; description: string }>(
      'SELECT owner, version, description FROM schema_migrations ORDER BY owner, version',
    );
    expect(rows.map((r) => [r.owner, Number(r.version), r.description])).toEqual([
      ['bookmarks', 1, 'bookmarks'],
      ['bookmarks', 2, 'bookmark titles'],
      ['core', 1, CORE_MIGRATIONS[0].description],
      ['core', 2, CORE_MIGRATIONS[1].description],
    ]);
  });

  it('refuses to run when the database is newer than the code', async () => {
    await expect(runMigrations(db, 'bookmarks', [BOOKMARKS_V1])).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining("'bookmarks' is at version 2 but this code knows only up to 1"),
    });
  });

  it('rolls a failing migration back as a whole', async () => {
    const broken: Migration = {
      version: 1,
      description: 'half done',
      statements: ['CREATE TABLE half_done (id INTEGER)', 'INSERT INTO no_such_table VALUES (1)'],
    };
    await expect(runMigrations(db, 'broken', [broken])).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^migration broken#1 \(half done\) failed: .*no_such_table/),
    });
    expect(await schemaVersion(db, 'broken')).toBe(0);
    await expect(db.all('SELECT * FROM half_done')).rejects.toHaveProperty('message', expect.stringContaining('half_done'));
  });

  it('refuses badly numbered migrations and owner names', async () => {
    await expect(runMigrations(db, 'gappy', [BOOKMARKS_V2])).rejects.toMatchObject({ kind: 'invalid' });
    await expect(runMigrations(db, 'Bad Owner', [BOOKMARKS_V1])).rejects.toMatchObject({ kind: 'invalid' });
  });
});

describe('migrations on postgres from several processes at once', () => {
  let location: TestDatabaseLocation;
  const dbs: Database[] = [];

  beforeAll(async () => {
    location = await createTestDatabaseLocation('postgres');
    for (let i = 0; i < 3; i += 1) dbs.push(await openDatabase(location.options));
  });

  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.close()));
    await location?.dispose();
  });

  it('applies each migration exactly once', async () => {
    const applied = await Promise.all(dbs.map((db) => runMigrations(db, 'core', CORE_MIGRATIONS)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(CORE_MIGRATIONS.length);
    const rows = await dbs[0].all('SELECT version FROM schema_migrations WHERE owner = ?', ['core']);
    expect(rows).toHaveLength(CORE_MIGRATIONS.length);
  });
});
