import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AsyncLock } from './async-lock';
import { toPortableParams } from './sql-params';
import { StorageError } from './stores';
import type { Database, Queryable, Row, SqlValue } from './types';

export interface SqliteDatabaseOptions {
  file: string;
  /** How long a writer waits for another process's lock before failing (ms). Default 5000. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Distinct SQL texts whose prepared statements one connection keeps. */
const CACHED_STATEMENTS = 256;

/** Synchronous statements on the single connection, exposed through the async interface. */
class SqliteQueries implements Queryable {
  // Preparing costs tens of microseconds per call (parsing and planning); the server runs the
  // same few dozen texts over and over, so each is prepared once. SQLite re-prepares a cached
  // statement by itself when a migration changed the schema under it.
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(protected readonly connection: BetterSqlite3.Database) {}

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.statement(sql).run(...toPortableParams(params)).changes;
  }

  async get<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return this.statement(sql).get(...toPortableParams(params)) as T | undefined;
  }

  async all<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.statement(sql).all(...toPortableParams(params)) as T[];
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Texts built per call (IN lists of every length) would grow the cache without bound.
      if (this.statements.size >= CACHED_STATEMENTS) this.statements.clear();
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

export class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const;
  private readonly queries: SqliteQueries;
  private readonly lock = new AsyncLock();
  private closed = false;

  private constructor(private readonly connection: BetterSqlite3.Database) {
    this.queries = new SqliteQueries(connection);
  }

  static open(options: SqliteDatabaseOptions): SqliteDatabase {
    if (typeof options.file !== 'string' || options.file.trim() === '') {
      throw new StorageError('invalid', 'SQLite database file path must be a non-empty string');
    }
    const file = path.resolve(options.file);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const connection = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
      connection.pragma('journal_mode = WAL');
      connection.pragma('foreign_keys = ON');
      return new SqliteDatabase(connection);
    } catch (err) {
      throw new StorageError('unavailable', `cannot open SQLite database ${file}: ${(err as Error).message}`);
    }
  }

  // Outside a transaction a statement runs at once; while one is open it waits, so it can
  // neither slip into that transaction nor be rolled back with it.
  async run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.outsideTransactions(() => this.queries.run(sql, params));
  }

  async get<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.outsideTransactions(() => this.queries.get<T>(sql, params));
  }

  async all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.outsideTransactions(() => this.queries.all<T>(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      this.assertOpen();
      // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading.
      this.connection.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.queries);
        this.connection.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.lock.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.connection.close();
    });
  }

  private async outsideTransactions<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lock.isHeld) return this.lock.run(() => this.checked(fn));
    return this.checked(fn);
  }

  private async checked<T>(fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return fn();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('unavailable', 'SQLite database is closed');
  }
}
