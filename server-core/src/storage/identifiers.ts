import { StorageError } from './stores';

/**
 * Input checks shared by the stores. Owners are local usernames (the localpart of the
 * user's JID); contacts are bare JIDs already normalised by the XMPP layer.
 */
const MAX_PART_BYTES = 1023;
const MAX_JID_BYTES = 3071;
// The characters RFC 7622 forbids in a localpart, plus whitespace and control characters.
const FORBIDDEN_IN_USERNAME = /[@/"&':<>\s\u0000-\u001f\u007f]/u;

/** Returns the lower-cased username, or throws StorageError 'invalid' saying what is wrong. */
export function parseUsername(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StorageError('invalid', 'username must be a non-empty string');
  }
  const username = value.normalize('NFKC').toLowerCase();
  const bad = FORBIDDEN_IN_USERNAME.exec(username);
  if (bad) {
    const shown = /\s|[\u0000-\u001f\u007f]/u.test(bad[0]) ? `U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')}` : `'${bad[0]}'`;
    throw new StorageError('invalid', `username must not contain ${shown} (a local username, not a JID)`);
  }
  if (Buffer.byteLength(username, 'utf8') > MAX_PART_BYTES) {
    throw new StorageError('invalid', `username must be at most ${MAX_PART_BYTES} bytes`);
  }
  return username;
}

export function parseJid(value: unknown, what = 'JID'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StorageError('invalid', `${what} must be a non-empty string`);
  }
  if (/[\s\u0000-\u001f\u007f]/u.test(value)) {
    throw new StorageError('invalid', `${what} must not contain whitespace or control characters`);
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_JID_BYTES) {
    throw new StorageError('invalid', `${what} must be at most ${MAX_JID_BYTES} bytes`);
  }
  return value;
}

export function parsePassword(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new StorageError('invalid', 'password must be a non-empty string');
  }
  return value;
}
