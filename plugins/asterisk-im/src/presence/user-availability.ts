import { EventEmitter } from 'eventemitter3';
import { parse, type Element } from 'ltx';
import type { ClusterCache, PluginContext } from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import type { UserPresenceChange } from '../runtime';
import { isPhonePresence, showsAvailable } from './phone-presence';
import type { TrappedPresences } from './trapped-presence';

/** One session's own availability, by full JID in the replicated cache. */
export interface SessionAvailability {
  user: string;
  node: string;
  available: boolean;
  /** Its show is dnd (absent in entries written before it existed: false). */
  dnd?: boolean;
}

/**
 * A user's own availability across the cluster, leaving the plugin's phone presence out:
 * per full JID in a replicated cache, folded per user. Listeners hear changes on every node.
 */
export class UserAvailability {
  private readonly emitter = new EventEmitter<{ change: (change: UserPresenceChange) => void }>();
  private readonly last = new Map<string, string>();

  constructor(
    private readonly ctx: PluginContext<AsteriskImConfig>,
    private readonly cache: ClusterCache<SessionAvailability>,
    private readonly trapped: TrappedPresences,
  ) {}

  start(): void {
    const { ctx } = this;
    ctx.events.on('presenceChanged', (session, presence) => {
      // Our phone presence says nothing about the user: what they chose is in the trapped entry.
      const own = isPhonePresence(presence) ? this.trapped.presenceOf(session.fullJid) : presence;
      if (own) this.record(session.fullJid, session.bareJid, own);
    });
    this.trapped.onEntry((fullJid, entry) => {
      if (entry?.node === ctx.nodeId && entry.kind === 'trapped') this.record(fullJid, entry.user, parse(entry.xml) as Element);
    });
    ctx.events.on('sessionDestroyed', (session) => void this.forget(session.fullJid));
    ctx.cluster.on('memberLeft', (node) => {
      if (!ctx.cluster.isSenior()) return;
      for (const [key, value] of this.cache.entries()) if (value.node === node) void this.forget(key);
    });
    this.cache.on('entry', (event) => {
      const value = event.value ?? event.previous;
      if (value) this.fold(value.user);
    });
  }

  onChange(listener: (change: UserPresenceChange) => void): () => void {
    this.emitter.on('change', listener);
    // Start-up: what the cluster already knows.
    for (const user of new Set(this.cache.entries().map(([, value]) => value.user))) {
      listener(this.stateOf(user));
    }
    return () => this.emitter.off('change', listener);
  }

  isAvailable(user: string): boolean {
    return this.cache.entries().some(([, value]) => value.user === user && value.available);
  }

  private stateOf(user: string): UserPresenceChange {
    const sessions = this.cache.entries().filter(([, value]) => value.user === user);
    const available = sessions.some(([, value]) => value.available);
    return { user, available, dnd: !available && sessions.some(([, value]) => value.dnd === true) };
  }

  private record(fullJid: string, user: string, presence: Element): void {
    if (presence.attrs.type === 'unavailable') return void this.forget(fullJid);
    const value: SessionAvailability = { user, node: this.ctx.nodeId, available: showsAvailable(presence), dnd: presence.getChildText('show') === 'dnd' };
    const current = this.cache.get(fullJid);
    if (current?.available === value.available && (current.dnd === true) === value.dnd) return;
    void this.cache.set(fullJid, value).catch((err: unknown) => this.ctx.logger.warn({ err }, 'availability not recorded'));
  }

  private async forget(fullJid: string): Promise<void> {
    if (this.cache.has(fullJid)) await this.cache.delete(fullJid).catch((err: unknown) => this.ctx.logger.warn({ err }, 'availability not removed'));
  }

  private fold(user: string): void {
    const state = this.stateOf(user);
    const key = `${state.available}/${state.dnd}`;
    if (this.last.get(user) === key) return;
    this.last.set(user, key);
    this.emitter.emit('change', state);
  }
}
