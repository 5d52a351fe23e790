import { toJsonValue, type JsonShaped } from './jsonify';
import type { JsonValue } from './types';

/** Type-level checks run by the type check (`@ts-expect-error` fails it when a line compiles). */
function accepts<T extends JsonShaped<T>>(value: T): T {
  return value;
}

interface Entry {
  node: string;
  kind: 'trapped' | 'before-call';
  note?: string;
  calls: Array<{ id: string; at: number | null }>;
  tags: readonly string[];
}

describe('JSON-shaped types', () => {
  it('accepts interfaces, optional fields, nested arrays and JsonValue itself', () => {
    const entry: Entry = { node: 'n1', kind: 'trapped', calls: [{ id: 'c1', at: null }], tags: ['a'] };
    expect(accepts(entry)).toBe(entry);
    expect(accepts<JsonValue>({ any: [1, 'two', null, { three: true }] })).toEqual({ any: [1, 'two', null, { three: true }] });
    expect(accepts('text')).toBe('text');
    expect(toJsonValue(entry)).toBe(entry);
  });

  it('rejects what JSON would change', () => {
    // @ts-expect-error a method does not survive JSON
    accepts({ name: 'x', run: () => 1 });
    // @ts-expect-error a Map serialises to {}
    accepts({ byUser: new Map<string, string>() });
    // @ts-expect-error a Date comes back as a string
    accepts({ at: new Date(0) });
    // @ts-expect-error bigint cannot be serialised
    accepts({ count: 1n });
    // @ts-expect-error a required field that may be undefined disappears
    accepts({ value: undefined as string | undefined });
    expect(true).toBe(true);
  });
});
