import fs from 'node:fs';
import { openDatabase } from './open-database';
import { toNumberedPlaceholders } from './sql-placeholders';
import { createTestDatabaseLocation, TEST_BACKENDS } from '../../testing/databases';
import type { TestDatabaseLocation } from '../../testing/databases';
import type { Database } from './types';

describe('placeholder rewriting for PostgreSQL', () => {
  it('numbers parameters and leaves question marks inside quotes alone', () => {
    expect(toNumberedPlaceholders(`SELECT ?, 'what?', "odd?col", 'it''s?' FROM t WHERE a = ? AND b = ?`)).toBe(
      `SELECT $1, 'what?', "odd?col", 'it''s?' FROM t WHERE a = $2 AND b = $3`,
    );
  });
});

describe.each(TEST_BACKENDS)('%s database', (backend) => {
  let location: TestDatabaseLocation;
  let db: Database;

  beforeAll(async () => {
    location = await createTestDatabaseLocation(backend);
    db = await openDatabase(location.options);
    await db.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, big BIGINT, flag INTEGER)');
  });

  afterAll(async () => {
    await db?.close();
    await location?.dispose();
  });

  it('runs, reads back and counts affected rows the same way', async () => {
    expect(db.kind).toBe(backend);
    expect(await db.run('INSERT INTO notes (id, body, big, flag) VALUES (?, ?, ?, ?)', [1, 'why?', 1_700_000_000_000, true])).toBe(1);
    expect(await db.get('SELECT id, body, big, flag FROM notes WHERE id = ?', [1])).toEqual({ id: 1, body: 'why?', big: 1_700_000_000_000, flag: 1 });
    expect(await db.get('SELECT body FROM notes WHERE id = ?', [99])).toBeUndefined();
    expect(await db.get('SELECT COUNT(*) AS n FROM notes')).toEqual({ n: 1 });
    expect(await db.run('UPDATE notes SET body = ? WHERE id > ?', ['updated', 0])).toBe(1);
  });

  it('commits a transaction, and rolls it back when the function throws', async () => {
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO notes (id, body) VALUES (?, ?)', [2, 'kept']);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO notes (id, body) VALUES (?, ?)', [3, 'lost']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await db.all<{ id: number }>('SELECT id FROM notes ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('keeps concurrent transactions apart', async () => {
    await db.run('CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)');
    await db.run('INSERT INTO counter (id, value) VALUES (1, 0)');
    // Read-then-write with a pause in between: interleaving would lose increments.
    const increment = () =>
      db.transaction(async (tx) => {
        const row = await tx.get<{ value: number }>(`SELECT value FROM counter WHERE id = 1${backend === 'postgres' ? ' FOR UPDATE' : ''}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        await tx.run('UPDATE counter SET value = ? WHERE id = 1', [Number(row!.value) + 1]);
      });
    const failing = db.transaction(async (tx) => {
      await tx.run('UPDATE counter SET value = value + 100 WHERE id = 1');
      throw new Error('rolled back');
    });
    await Promise.all([increment(), increment(), expect(failing).rejects.toThrow('rolled back'), increment(), db.get('SELECT 1 AS ok')]);
    expect(await db.get('SELECT value FROM counter WHERE id = 1')).toEqual({ value: 3 });
  });
});

describe('opening databases', () => {
  it('creates the SQLite file and its folder, in WAL mode', async () => {
    const location = await createTestDatabaseLocation('sqlite');
    const db = await openDatabase(location.options);
    try {
      const file = (location.options as { file: string }).file;
      expect(fs.existsSync(file)).toBe(true);
      expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    } finally {
      await db.close();
      await location.dispose();
    }
  });

  it('names host and port, never the password, when PostgreSQL cannot be reached', async () => {
    const attempt = openDatabase({ kind: 'postgres', url: 'postgres://im:hunter2secret@127.0.0.1:1/im' });
    await expect(attempt).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('127.0.0.1:1/im') });
    await expect(attempt).rejects.toMatchObject({ message: expect.not.stringContaining('hunter2secret') });
  });

  it('refuses unknown kinds, bad urls and bad schema names with clear errors', async () => {
    await expect(openDatabase({ kind: 'mysql' } as never)).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('mysql') });
    await expect(openDatabase({ kind: 'postgres', url: 'not a url:secret' })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.not.stringContaining('secret'),
    });
    await expect(openDatabase({ kind: 'postgres', url: 'postgres://127.0.0.1/test', schema: 'x; DROP' })).rejects.toMatchObject({ kind: 'invalid' });
  });
});
