import type { AmiEvent, AmiResponse } from './ami-message';

export type NormalisedMessage =
  | { kind: 'event'; event: AmiEvent }
  | { kind: 'response'; response: AmiResponse }
  | { kind: 'invalid'; reason: string };

const KEY = /^[a-z0-9][a-z0-9_.\-]*$/;
const EVENT_NAME = /^[A-Za-z0-9_]+$/;
/** Keys asterisk-manager turns into a `{ name: value }` object instead of repeating them. */
const VARIABLE_KEYS = new Set(['variable', 'chanvariable']);

/**
 * Turns what asterisk-manager parsed into our AmiMessage shape, checking every
 * key and value on the way: this is where AMI input enters our code.
 */
export function normaliseRawMessage(raw: unknown): NormalisedMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'invalid', reason: 'not a message object' };
  const fields: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!KEY.test(key)) return { kind: 'invalid', reason: `bad key ${JSON.stringify(key.slice(0, 40))}` };
    if (typeof value === 'string') {
      fields[key] = value;
    } else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
      fields[key] = value[0];
      lists[key] = [...value];
    } else if (VARIABLE_KEYS.has(key) && typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (!entries.every(([, v]) => typeof v === 'string')) return { kind: 'invalid', reason: `bad ${key} value` };
      lists[key] = entries.map(([name, v]) => `${name}=${String(v)}`);
      if (lists[key].length > 0) fields[key] = lists[key][0];
    } else {
      return { kind: 'invalid', reason: `bad value for ${key}` };
    }
  }
  const actionId = fields.actionid;
  if (fields.response !== undefined) {
    return { kind: 'response', response: { fields, lists, response: fields.response, message: fields.message, actionId } };
  }
  if (fields.event !== undefined) {
    if (!EVENT_NAME.test(fields.event)) return { kind: 'invalid', reason: 'bad event name' };
    return { kind: 'event', event: { fields, lists, name: fields.event, actionId } };
  }
  return { kind: 'invalid', reason: 'neither a response nor an event' };
}
