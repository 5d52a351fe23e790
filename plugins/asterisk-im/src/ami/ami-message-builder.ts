import type { AmiEvent, AmiResponse } from './ami-message';

export type ReadMessage =
  | { kind: 'event'; event: AmiEvent }
  | { kind: 'response'; response: AmiResponse }
  | { kind: 'invalid'; reason: string };

const KEY = /^[a-z0-9][a-z0-9_.\-]*$/;
const EVENT_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Header keys as sent (`CallerIDNum`) mapped to what we use (`calleridnum`), or to
 * null when not acceptable. AMI has a few hundred keys, and trimming, lowercasing
 * and checking each one on every line was most of the cost of reading.
 */
const keyCache = new Map<string, string | null>();
/** Keys are short and repeated, not invented: a stream bringing new or long ones gets no room. */
const MAX_CACHED_KEYS = 4096;
const MAX_CACHED_KEY_LENGTH = 64;

function headerKey(rawKey: string): string | undefined {
  let key = keyCache.get(rawKey);
  if (key === undefined) {
    const lowered = rawKey.trim().toLowerCase();
    key = KEY.test(lowered) ? lowered : null;
    if (keyCache.size < MAX_CACHED_KEYS && rawKey.length <= MAX_CACHED_KEY_LENGTH) keyCache.set(rawKey, key);
  }
  return key ?? undefined;
}

/**
 * Collects the header lines of one AMI message into our AmiMessage shape,
 * validating every key on the way: this is where AMI input enters our code.
 * One builder serves a whole connection; finish() hands the message over and
 * starts the next one.
 */
export class AmiMessageBuilder {
  // No prototype: a header named `__proto__` or `constructor` is a field like any other.
  private fields: Record<string, string> = Object.create(null) as Record<string, string>;
  private lists: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  private invalidReason?: string;
  private count = 0;

  /** Lines taken since the last finish(), valid or not. */
  get lines(): number {
    return this.count;
  }

  /**
   * A `Key: value` line. The key is what precedes the first `: `, trimmed and
   * lowercased; the value is kept exactly as sent. A line without `: ` is a
   * key with an empty value, as Asterisk clients have always read it. A bad
   * key spoils the whole message, but its remaining lines are still consumed.
   */
  addLine(line: string): void {
    this.count += 1;
    if (this.invalidReason !== undefined) return;
    const separator = line.indexOf(': ');
    const rawKey = separator === -1 ? line : line.slice(0, separator);
    const key = headerKey(rawKey);
    if (key === undefined) {
      this.invalidReason = `bad key ${JSON.stringify(rawKey.trim().toLowerCase().slice(0, 40))}`;
      return;
    }
    this.add(key, separator === -1 ? '' : line.slice(separator + 2));
  }

  /** Like addLine, but declines (false, nothing taken) a line that is not a well-formed header. */
  tryHeaderLine(line: string): boolean {
    const separator = line.indexOf(': ');
    if (separator === -1) return false;
    const key = headerKey(line.slice(0, separator));
    if (key === undefined) return false;
    this.count += 1;
    if (this.invalidReason === undefined) this.add(key, line.slice(separator + 2));
    return true;
  }

  /** A value under a key chosen by the reader (the `output` of a Follows response). */
  addValue(key: string, value: string): void {
    this.count += 1;
    if (this.invalidReason === undefined) this.add(key, value);
  }

  /** The message so far, or undefined when no line was taken (blank lines between messages). */
  finish(): ReadMessage | undefined {
    if (this.count === 0) return undefined;
    const { fields, lists, invalidReason } = this;
    this.fields = Object.create(null) as Record<string, string>;
    this.lists = Object.create(null) as Record<string, string[]>;
    this.invalidReason = undefined;
    this.count = 0;
    if (invalidReason !== undefined) return { kind: 'invalid', reason: invalidReason };
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

  private add(key: string, value: string): void {
    // Keys whose every line is a `name=value` pair, kept as such in `lists` even when it appears once.
    if (key === 'variable' || key === 'chanvariable') {
      const entry = value.includes('=') ? value : `${value}=`;
      const list = this.lists[key];
      if (list) list.push(entry);
      else this.lists[key] = [entry];
      if (typeof this.fields[key] !== 'string') this.fields[key] = entry;
      return;
    }
    // typeof, not `in` or undefined: a key such as `constructor` is inherited until we set it.
    const first = this.fields[key];
    if (typeof first !== 'string') {
      this.fields[key] = value;
      return;
    }
    const list = this.lists[key];
    if (Array.isArray(list)) list.push(value);
    else this.lists[key] = [first, value];
  }
}
