import type { JsonValue } from '../cluster/types';

import { isSecretKey } from '../config';

export const MASK = '***';

/** A copy of a config with every value under a secret-looking key replaced, at any depth. */
export function maskSecrets(value: unknown, key = ''): JsonValue {
  if (isSecretKey(key) && value !== null && value !== undefined && value !== '') return MASK;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, maskSecrets(inner, name)]));
  }
  if (value === undefined) return null;
  return value as JsonValue;
}

/**
 * A config sent back by an admin client may still carry the mask where the client left a secret
 * unchanged; those keys keep their current value, so a round trip never overwrites a secret with "***".
 */
export function restoreMaskedSecrets(next: unknown, current: unknown, key = ''): unknown {
  if (next === MASK && isSecretKey(key)) return current;
  if (Array.isArray(next)) return next.map((item, index) => restoreMaskedSecrets(item, Array.isArray(current) ? current[index] : undefined));
  if (next !== null && typeof next === 'object') {
    const base = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(next).map(([name, inner]) => [name, restoreMaskedSecrets(inner, base[name], name)]));
  }
  return next;
}
