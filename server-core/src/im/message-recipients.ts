import type { ResourceRoute } from '../session';

/**
 * The resources a message to a bare JID goes to (RFC 6121 8.5.2.1). Resources that are not
 * available, or have a negative priority, never receive messages sent to the bare JID.
 * - `highest`: normal and chat, to the available resources with the highest priority (all when tied);
 * - `all`: headline, to every available resource.
 */
export function bareJidRecipients(resources: readonly ResourceRoute[], rule: 'highest' | 'all'): string[] {
  const eligible = resources.filter((r) => r.available && r.priority >= 0);
  if (rule === 'all' || eligible.length === 0) return eligible.map((r) => r.fullJid);
  const top = Math.max(...eligible.map((r) => r.priority));
  return eligible.filter((r) => r.priority === top).map((r) => r.fullJid);
}
