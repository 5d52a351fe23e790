/**
 * The storage layer: one async interface over SQLite (embedded default) and PostgreSQL
 * (clusters). SQL is written once with `?` placeholders; the PostgreSQL driver rewrites
 * them to `$1..$n`. Keep statements portable: no RETURNING on SQLite-only syntax, no
 * AUTOINCREMENT quirks (use the helpers below), ON CONFLICT ... DO UPDATE is fine on both.
 */
export type SqlValue = string | number | bigint | boolean | null | Buffer;
export type Row = Record<string, unknown>;

export interface Queryable {
  /** INSERT/UPDATE/DELETE. Returns the number of affected rows. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  get<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs fn in one transaction; rolled back when fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Migration {
  /** Increasing per owner, starting at 1. */
  version: number;
  description: string;
  /** Portable SQL statements, run in order inside one transaction. */
  statements: string[];
}
