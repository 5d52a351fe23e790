/**
 * The shape every AMI message takes once it has passed our edge.
 *
 * Key casing: every key is **lowercase** (`channel`, `calleridnum`, `eventlist`).
 * AMI keys are case-insensitive, and asterisk-manager lowercases them before we
 * see them, so lowercase is the only casing that is faithful to the wire. Use
 * `amiField(msg, 'CallerIDNum')` to read a field with the documented Asterisk
 * spelling; it lowercases for you.
 *
 * Repeated keys: `fields` holds the first value of each key; `lists` holds every
 * value, in wire order, of each key that appeared more than once, and always
 * holds `variable` / `chanvariable` as `name=value` strings.
 */
export interface AmiMessage {
  readonly fields: Readonly<Record<string, string>>;
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

/** An unsolicited event, or an item of a list action. */
export interface AmiEvent extends AmiMessage {
  /** Event name as Asterisk spells it: `Newchannel`, `DialBegin`, `Hangup`. */
  readonly name: string;
  readonly actionId?: string;
}

/** The direct answer to an action. */
export interface AmiResponse extends AmiMessage {
  /** `Success`, `Error`, `Follows`, `Goodbye`. */
  readonly response: string;
  readonly message?: string;
  readonly actionId?: string;
}

/** Reads a field by its documented Asterisk name, whatever the casing passed. */
export function amiField(msg: AmiMessage, name: string): string | undefined {
  return msg.fields[name.toLowerCase()];
}

/** All values of a field, one element when the key appeared once. */
export function amiFieldValues(msg: AmiMessage, name: string): readonly string[] {
  const key = name.toLowerCase();
  const list = msg.lists[key];
  if (list) return list;
  const single = msg.fields[key];
  return single === undefined ? [] : [single];
}
