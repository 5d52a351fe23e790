import type { Element } from 'ltx';
import { NS } from '../xml';

/** XEP-0334 message processing hints a sender may attach. */
export type MessageHint = 'no-store' | 'no-permanent-store' | 'store' | 'no-copy';

export function hasHint(message: Element, hint: MessageHint): boolean {
  return message.getChild(hint, NS.HINTS) !== undefined;
}

export function messageType(message: Element): string {
  return (message.attrs.type as string | undefined) ?? 'normal';
}

/** Whether the message carries a body or a subject, i.e. something a person reads. */
export function hasReadableContent(message: Element): boolean {
  return message.getChild('body') !== undefined || message.getChild('subject') !== undefined;
}
