/**
 * What a number typed in a chat client becomes before it reaches Asterisk: no
 * whitespace, a leading `+` as the international prefix `00`, and only the
 * characters a dialplan extension may hold (so nothing can smuggle a second AMI
 * header or a dialplan pattern into the action).
 */
const DIALABLE = /^[0-9*#A-Za-z][0-9*#A-Za-z._-]*$/;
const MAX_EXTENSION_LENGTH = 80;

export function normaliseDialString(raw: string): string {
  const compact = raw.replace(/\s+/g, '');
  return compact.startsWith('+') ? `00${compact.slice(1)}` : compact;
}

/** The normalised extension, or an explanation of why it cannot be dialled. */
export function parseExtension(raw: string): { ok: true; extension: string } | { ok: false; reason: string } {
  const extension = normaliseDialString(raw);
  if (extension.length === 0) return { ok: false, reason: 'extension: must not be empty' };
  if (extension.length > MAX_EXTENSION_LENGTH) return { ok: false, reason: `extension: longer than ${MAX_EXTENSION_LENGTH} characters` };
  if (!DIALABLE.test(extension)) return { ok: false, reason: 'extension: only digits, letters, *, #, ., _ and - can be dialled' };
  return { ok: true, extension };
}
