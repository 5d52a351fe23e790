import type { MailboxCounts } from './mwi-messages';

/** A user's voicemail in the replicated cache `voicemail`, written by the senior. */
export interface UserVoicemail {
  /** Totals over the user's mailboxes. */
  new: number;
  old: number;
  /** Per mailbox (`1001@default`), as Asterisk last said. */
  boxes: Record<string, MailboxCounts>;
}

/** The user's entry with one box changed, keeping only the boxes the user still has. */
export function withBox(previous: UserVoicemail | undefined, boxes: readonly string[], mailbox: string, counts: MailboxCounts): UserVoicemail {
  const next: Record<string, MailboxCounts> = {};
  for (const box of boxes) {
    const known = box === mailbox ? counts : previous?.boxes[box];
    if (known) next[box] = { new: known.new, old: known.old };
  }
  let newTotal = 0;
  let oldTotal = 0;
  for (const box of Object.values(next)) {
    newTotal += box.new;
    oldTotal += box.old;
  }
  return { new: newTotal, old: oldTotal, boxes: next };
}

export const sameVoicemail = (a: UserVoicemail | undefined, b: UserVoicemail): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
