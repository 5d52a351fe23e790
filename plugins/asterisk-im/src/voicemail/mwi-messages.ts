import { amiField, type AmiEvent, type AmiResponse } from '../ami';

/** New and old voice messages of one mailbox. */
export interface MailboxCounts {
  new: number;
  old: number;
}

const COUNT = /^\d{1,6}$/;
const MAILBOX = /^[^\s@]{1,80}@[^\s@]{1,80}$/;

function counts(newText: string | undefined, oldText: string | undefined): MailboxCounts | undefined {
  if (newText === undefined || oldText === undefined || !COUNT.test(newText.trim()) || !COUNT.test(oldText.trim())) return undefined;
  return { new: Number(newText.trim()), old: Number(oldText.trim()) };
}

/**
 * A `MessageWaiting` event (Asterisk 16.24+, 18.10+, 19.2+ to 22: `Mailbox`, `Waiting`, `New`,
 * `Old`; `Waiting` is 0/1 there and yes/no in older versions, and says nothing the counts do
 * not). A box without context is in `default`, as app_voicemail reads it. Undefined when the
 * event is another one; `invalid` when its fields cannot be read.
 */
export function parseMessageWaiting(event: AmiEvent): { mailbox: string; counts: MailboxCounts } | { invalid: string } | undefined {
  if (event.name.toLowerCase() !== 'messagewaiting') return undefined;
  const mailbox = normaliseMailbox(amiField(event, 'Mailbox'));
  const parsed = counts(amiField(event, 'New'), amiField(event, 'Old'));
  if (!mailbox || !parsed) return { invalid: `MessageWaiting: mailbox or counts unreadable (${JSON.stringify({ mailbox: amiField(event, 'Mailbox'), new: amiField(event, 'New'), old: amiField(event, 'Old') })})` };
  return { mailbox, counts: parsed };
}

/** The answer to `MailboxCount` (`NewMessages`, `OldMessages`; manager.c also sends `UrgMessages`). */
export function parseMailboxCount(response: AmiResponse): MailboxCounts | undefined {
  return counts(amiField(response, 'NewMessages'), amiField(response, 'OldMessages'));
}

export function normaliseMailbox(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  if (!trimmed) return undefined;
  const full = trimmed.includes('@') ? trimmed : `${trimmed}@default`;
  return MAILBOX.test(full) ? full : undefined;
}
