import { AmiLinkError } from './ami-link-error';

/** An action as callers write it, with Asterisk's key spelling: `{ Action: 'Originate', Channel: 'PJSIP/1001' }`. */
export type AmiActionValue = string | number | boolean | Readonly<Record<string, string | number>> | undefined;
export interface AmiAction {
  readonly Action: string;
  readonly [key: string]: AmiActionValue;
}

/** The same action in the shape asterisk-manager writes: lowercase keys, string values. */
export type WireAction = Record<string, string | Record<string, string>>;

/** Asterisk rejects longer lines and longer messages. */
const MAX_LINE_BYTES = 1024;
const MAX_LINES = 128;
const KEY = /^[A-Za-z][A-Za-z0-9_\-]*$/;
/** Actions that belong to the link itself: a caller sending them would break it. */
const RESERVED_ACTIONS = new Set(['login', 'logoff', 'events', 'challenge']);

function oneLine(key: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new AmiLinkError('invalid-action', `${key} must not contain a line break`);
  if (Buffer.byteLength(`${key}: ${value}`) > MAX_LINE_BYTES) throw new AmiLinkError('invalid-action', `${key} is longer than AMI allows`);
  return value;
}

/** Validates a caller's action and converts it for the wire; `internal` allows the link's own Login/Events/Logoff. */
export function toWireAction(action: AmiAction, actionId: string, internal = false): WireAction {
  const wire: WireAction = { actionid: actionId };
  let lines = 1;
  for (const [key, value] of Object.entries(action)) {
    if (value === undefined) continue;
    if (!KEY.test(key)) throw new AmiLinkError('invalid-action', `bad key ${JSON.stringify(key.slice(0, 40))}`);
    const lower = key.toLowerCase();
    if (lower === 'actionid') throw new AmiLinkError('invalid-action', 'ActionID is set by the link');
    if (lower in wire) throw new AmiLinkError('invalid-action', `${key} appears twice`);
    if (typeof value === 'object') {
      const entries: Record<string, string> = {};
      for (const [name, v] of Object.entries(value)) {
        if (!KEY.test(name)) throw new AmiLinkError('invalid-action', `bad ${key} name ${JSON.stringify(name.slice(0, 40))}`);
        entries[name] = oneLine(key, `${name}=${String(v)}`).slice(name.length + 1);
        lines += 1;
      }
      wire[lower] = entries;
    } else {
      wire[lower] = oneLine(key, String(value));
      lines += 1;
    }
  }
  const name = wire.action;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_]+$/.test(name)) throw new AmiLinkError('invalid-action', 'Action must be a plain name');
  if (!internal && RESERVED_ACTIONS.has(name.toLowerCase())) throw new AmiLinkError('invalid-action', `${name} is managed by the link`);
  if (lines > MAX_LINES) throw new AmiLinkError('invalid-action', `more than ${MAX_LINES} lines`);
  return wire;
}
