import type { Element } from 'ltx';
import { NS } from '../../xml';

/** Presence that changes a subscription or reports an error is an action, not a status. */
const STATUS_PRESENCE = new Set([undefined, 'unavailable']);

/** What client state indication does with a stanza while the client is inactive. */
export type Importance = { kind: 'urgent' } | { kind: 'presence'; from: string } | { kind: 'deferrable' };

/**
 * XEP-0352 leaves the policy to the server. Urgent (sent at once, after what was held): IQs,
 * subscription requests and answers, errors, and messages a person reads (a body or subject,
 * also inside a carbon copy) or that carry an encrypted payload. Status presence is held with
 * only the newest per sender kept. Everything else (chat states, receipts, markers, PEP
 * notifications) is held until the client is active again.
 */
export function importance(stanza: Element): Importance {
  if (stanza.name === 'presence') {
    if (!STATUS_PRESENCE.has(stanza.attrs.type as string | undefined)) return { kind: 'urgent' };
    return { kind: 'presence', from: String(stanza.attrs.from ?? '') };
  }
  if (stanza.name !== 'message') return { kind: 'urgent' };
  if (stanza.attrs.type === 'error' || readable(stanza)) return { kind: 'urgent' };
  const copy = stanza.getChild('sent', NS.CARBONS) ?? stanza.getChild('received', NS.CARBONS);
  const inner = copy?.getChild('forwarded', NS.FORWARD)?.getChild('message');
  if (inner && readable(inner)) return { kind: 'urgent' };
  return { kind: 'deferrable' };
}

function readable(message: Element): boolean {
  return message.getChild('body') !== undefined || message.getChild('subject') !== undefined || message.getChild('encrypted') !== undefined;
}
