import type { SqlValue } from './types';

/** Booleans travel as INTEGER 0/1, the one representation both SQLite and PostgreSQL columns share. */
export function toPortableParams(params: SqlValue[]): Exclude<SqlValue, boolean>[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}
