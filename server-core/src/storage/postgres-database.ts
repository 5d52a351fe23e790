import { Pool, types as pgTypes } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { toPortableParams } from './sql-params';
import { toNumberedPlaceholders } from './sql-placeholders';
import { StorageError } from './stores';
import type { Database, Queryable, Row, SqlValue } from './types';

export interface PostgresDatabaseOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Schema put first on every pooled connection's search_path (tests use one each). */
  schema?: string;
}

const DEFAULT_POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 5000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;
// Errors that mean "the server is not there or refused us", as opposed to a bad statement.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);
const UNAVAILABLE_SQLSTATES = new Set(['28P01', '28000', '3D000', '57P01', '57P03', '53300']);

/**
 * BIGINT columns (ids, counters, timestamps) come back as numbers, as SQLite returns them,
 * so stores never branch on the backend. Values beyond 2^53 stay exact as bigint.
 */
function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

interface Endpoint {
  host: string;
  port: string;
  database: string;
}

function parseUrl(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL may hold a password, so it is never echoed back.
    throw new StorageError('invalid', 'PostgreSQL url is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StorageError('invalid', `PostgreSQL url must start with postgres:// (got ${parsed.protocol}//)`);
  }
  return { host: parsed.hostname || 'localhost', port: parsed.port || '5432', database: parsed.pathname.slice(1) };
}

function describeEndpoint(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}${endpoint.database ? `/${endpoint.database}` : ''}`;
}

class PostgresQueries implements Queryable {
  constructor(
    private readonly target: Pool | PoolClient,
    private readonly translateError: (err: unknown) => unknown,
  ) {}

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    const result = await this.query(sql, params);
    return result.rowCount ?? 0;
  }

  async get<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    const result = await this.query(sql, params);
    return result.rows[0] as T | undefined;
  }

  async all<T extends Row = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const result = await this.query(sql, params);
    return result.rows as T[];
  }

  private async query(sql: string, params: SqlValue[]) {
    try {
      return await this.target.query(toNumberedPlaceholders(sql), toPortableParams(params));
    } catch (err) {
      throw this.translateError(err);
    }
  }
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly queries: PostgresQueries;
  private readonly endpoint: Endpoint;

  constructor(options: PostgresDatabaseOptions) {
    this.endpoint = parseUrl(options.url);
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new StorageError('invalid', `PostgreSQL poolSize must be a positive integer (got ${poolSize})`);
    }
    const config: PoolConfig = {
      connectionString: options.url,
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: { getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? parseInt8 : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser },
    };
    if (options.schema !== undefined) {
      if (!SCHEMA_NAME.test(options.schema)) {
        throw new StorageError('invalid', `PostgreSQL schema must match ${SCHEMA_NAME} (got "${options.schema}")`);
      }
      config.options = `-c search_path=${options.schema}`;
    }
    this.pool = new Pool(config);
    // An idle pooled connection dropped by the server must not crash the process.
    this.pool.on('error', () => undefined);
    this.queries = new PostgresQueries(this.pool, (err) => this.translateError(err));
  }

  /** Opens the pool and proves the server answers, so a bad url fails at startup. */
  static async open(options: PostgresDatabaseOptions): Promise<PostgresDatabase> {
    const db = new PostgresDatabase(options);
    try {
      await db.get('SELECT 1 AS ok');
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.queries.run(sql, params);
  }

  get<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.queries.get<T>(sql, params);
  }

  all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.queries.all<T>(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.translateError(err);
    }
    const tx = new PostgresQueries(client, (err) => this.translateError(err));
    try {
      await tx.run('BEGIN');
      const result = await fn(tx);
      await tx.run('COMMIT');
      client.release();
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackErr) {
        // The connection is in an unknown state: drop it instead of returning it to the pool.
        client.release(rollbackErr as Error);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private translateError(err: unknown): unknown {
    if (err instanceof StorageError) return err;
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    const where = describeEndpoint(this.endpoint);
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
      return new StorageError('unavailable', `cannot reach PostgreSQL at ${where} (${code})`);
    }
    if (typeof code === 'string' && UNAVAILABLE_SQLSTATES.has(code)) {
      return new StorageError('unavailable', `PostgreSQL at ${where} refused the connection: ${message}`);
    }
    if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
      return new StorageError('unavailable', `cannot reach PostgreSQL at ${where} (${message})`);
    }
    return err;
  }
}
