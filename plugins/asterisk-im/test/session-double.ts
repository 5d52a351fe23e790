/**
 * A session as `ctx.sessions` shows it, for unit tests of the plugin's parts. Test support only.
 */
import type { Element } from 'ltx';
import type { PluginSession } from '@asterisk-im/server-core';

/** The view with what a test changes (its presence, its end) writable. */
export type SessionDouble = { -readonly [K in keyof PluginSession]: PluginSession[K] };

export function sessionDouble(fullJid: string, presence: Element | null = null): SessionDouble {
  const [bareJid, resource = ''] = fullJid.split('/') as [string, string?];
  return {
    fullJid,
    bareJid,
    username: bareJid.split('@')[0]!,
    resource,
    node: 'c',
    priority: 0,
    available: presence !== null,
    presence,
    createdAt: Date.now(),
    isEnded: false,
  };
}
