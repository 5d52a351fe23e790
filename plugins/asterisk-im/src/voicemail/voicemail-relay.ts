import { Element } from 'ltx';
import type { ClusterCache, PluginSession } from '@asterisk-im/server-core';
import { VOICEMAIL_NS } from '../namespaces';
import type { AsteriskImRuntime } from '../runtime';
import type { UserVoicemail } from './voicemail-state';

export function voicemailElement(counts: { new: number; old: number } | undefined): Element {
  return new Element('voicemail', { xmlns: VOICEMAIL_NS, new: String(counts?.new ?? 0), old: String(counts?.old ?? 0) });
}

/**
 * On every node: each session of a user on this node gets a headline from `phone.<domain>` with
 * the user's voicemail counts when they change, and the current counts when it becomes available
 * (late logins too). Only the user's own sessions get it; each session is told each change once.
 */
export class VoicemailRelay {
  /** Per session of this node: the counts it was last told, as `new/old`. */
  private readonly told = new Map<string, string>();

  constructor(
    private readonly runtime: AsteriskImRuntime,
    private readonly cache: ClusterCache<UserVoicemail>,
  ) {}

  start(): void {
    const { ctx } = this.runtime;
    this.cache.on('entry', (event) => {
      for (const session of ctx.sessions.ofUser(event.key)) if (session.available) this.tell(session);
    });
    ctx.events.on('sessionAvailable', (session) => this.tell(session));
    ctx.events.on('sessionDestroyed', (session) => this.told.delete(session.fullJid));
  }

  private tell(session: PluginSession): void {
    const { ctx, component } = this.runtime;
    if (session.isEnded) return;
    const counts = this.cache.get(session.bareJid);
    // A user without any known mailbox (or without a phone any more) hears nothing; one whose box became empty hears 0/0.
    if (!counts || this.runtime.store.devices.ofUser(session.bareJid).length === 0) return;
    const key = `${counts.new}/${counts.old}`;
    if (this.told.get(session.fullJid) === key) return;
    this.told.set(session.fullJid, key);
    const message = new Element('message', { to: session.fullJid, from: component.domain, type: 'headline' });
    message.cnode(voicemailElement(counts));
    component.send(message).catch((err: unknown) => ctx.logger.warn({ err, user: session.bareJid }, 'could not send the voicemail counts'));
  }
}
