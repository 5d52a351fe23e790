import type { JsonValue } from './types';

type JsonPrimitive = null | boolean | number | string;

/**
 * What survives JSON unchanged of `T`: `T` itself for JSON-shaped types (interfaces and
 * optional fields included, which `JsonValue` rejects for want of an index signature), `never`
 * in the parts that would not (functions, methods, `undefined` values, bigint, symbols). As a
 * constraint (`V extends JsonShaped<V>`) it accepts the types the cluster can replicate.
 */
export type Jsonify<T> = T extends JsonPrimitive
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer U)[]
      ? readonly Jsonify<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonify<T[K]> }
        : never;

/**
 * The constraint form of `Jsonify` (`V extends JsonShaped<V>`): a mapped type, which TypeScript
 * accepts as a bound on the type it maps, unlike a conditional type.
 */
export type JsonShaped<T> = { [K in keyof T]: Jsonify<T[K]> };

/**
 * A JSON-shaped value as a `JsonValue`. The type check is the constraint: the value itself is
 * already what the cluster's wire format carries, so nothing is converted.
 */
export function toJsonValue<T extends JsonShaped<T>>(value: T): JsonValue {
  return value as unknown as JsonValue;
}
