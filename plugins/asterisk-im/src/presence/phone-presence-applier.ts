import { clone, type Element } from 'ltx';
import {
  LOST_NODE_GRACE_MS,
  type InterceptorContext,
  type InterceptorVerdict,
  type PluginCluster,
  type PluginContext,
  type PluginSession,
  type PluginSessions,
} from '@asterisk-im/server-core';
import type { AsteriskImConfig } from '../config';
import { KeyedRetry } from '../retry';
import type { PhoneVisibility, Settings } from '../store';
import type { PhoneStateCache } from './phone-state-cache';
import { busyStateOf, isCurrentPhonePresence, isPhonePresence, isRestorableFromPhone, phonePresence, withoutPhone, type ShownState } from './phone-presence';
import type { TrappedPresences } from './trapped-presence';

/** What the applier uses of the plugin context (a test gives just that). */
export type PhonePresenceContext = Pick<PluginContext<AsteriskImConfig>, 'nodeId' | 'logger' | 'interceptors' | 'events' | 'timers' | 'onStop'> & {
  cluster: Pick<PluginCluster, 'on' | 'isSenior' | 'members'>;
  sessions: Pick<PluginSessions, 'all' | 'ofUser' | 'publishPresence'>;
};

export interface PhonePresenceDeps {
  ctx: PhonePresenceContext;
  phoneState: PhoneStateCache;
  trapped: TrappedPresences;
  settings: () => Settings;
  /** Who sees the user's phone state; default everyone who sees their presence. */
  visibility?: (bareJid: string) => PhoneVisibility;
  /** Fires after the store changed (settings may have a new status text, a user another visibility). */
  onSettingsChange: (listener: () => void) => () => void;
}

/** Runs before other interceptors so that nobody sees a presence we trap. */
const TRAP_PRIORITY = 1000;
/** Like the cluster's cache reload retry: soon after Redis is back, without hammering it meanwhile. */
const APPLY_RETRY_MS = 500;

/**
 * Runs on every node for that node's sessions. While a user is on the phone (replicated phone
 * state), each of their sessions broadcasts the phone presence and whatever presence they send
 * is trapped; when the last call ends each session broadcasts what it trapped or had before.
 * Every change re-applies the wanted state (`reconcile`), so a missed change, a restart of the
 * plugin or a new senior never leaves a presence stuck.
 */
export class PhonePresenceApplier {
  /** Per user, so two changes for the same user never interleave. */
  private readonly chains = new Map<string, Promise<void>>();
  /**
   * Users whose presence change failed half-way (Redis unreachable): the session already shows
   * the new presence, but contacts on other nodes may never have received it. Sent again.
   */
  private readonly unapplied: KeyedRetry;

  constructor(private readonly deps: PhonePresenceDeps) {
    this.unapplied = new KeyedRetry(deps.ctx.timers, APPLY_RETRY_MS, (user) => this.schedule(user, { resend: true }));
  }

  start(): void {
    const { ctx, phoneState, trapped } = this.deps;
    ctx.interceptors.add({ name: 'trap-presence-on-phone', priority: TRAP_PRIORITY, direction: 'incoming', intercept: (s, c) => this.intercept(s, c) });
    ctx.onStop(() => this.restoreAll());
    // An entry lost with Redis's data is held by the cache until the senior confirms the loss:
    // no presence in between.
    phoneState.onUserChange((user) => this.schedule(user));
    this.deps.onSettingsChange(() => this.reconcileAll());
    ctx.events.on('sessionDestroyed', (session) => void trapped.delete(session.fullJid).catch((err: unknown) => this.warn(err, session.fullJid)));
    ctx.cluster.on('memberLeft', (node) => {
      // Right after Redis lost its data live nodes are missing until their next heartbeat: their
      // sessions' trapped presences must stay. Only a node still missing after the grace is gone.
      ctx.timers.setTimeout(() => {
        if (ctx.cluster.isSenior() && !ctx.cluster.members().includes(node)) void trapped.forgetNode(node).catch((err: unknown) => this.warn(err, node));
      }, LOST_NODE_GRACE_MS);
    });
    this.reconcileAll();
  }

  /** Incoming only, before processing: the user's own broadcast presence while on the phone is kept back. */
  private intercept(stanza: Element, context: InterceptorContext): InterceptorVerdict {
    if (context.processed || stanza.name !== 'presence' || stanza.attrs.to !== undefined) return undefined;
    const { session } = context;
    const type = stanza.attrs.type as string | undefined;
    if (type === 'unavailable') {
      // Gone during the call: nothing to restore afterwards.
      void this.deps.trapped.delete(session.fullJid).catch((err: unknown) => this.warn(err, session.fullJid));
      return undefined;
    }
    // What this plugin publishes itself never reaches its own interceptor. An entry that vanished
    // with Redis's data still counts (the cache holds it): a status the user picks meanwhile is
    // trapped, or the phone presence would be shown over it after the call with the status from before.
    if (type !== undefined) return undefined;
    const shown = this.shownState(session.bareJid);
    if (shown === null) return undefined;
    if (shown === 'dnd' && stanza.getChildText('show') === 'dnd') {
      // With DND on the phone, choosing dnd in chat says it already: it goes out as the user's
      // own, and what was held back before it is older than this choice.
      void this.deps.trapped.delete(session.fullJid).catch((err: unknown) => this.warn(err, session.fullJid));
      return undefined;
    }
    const entry = { node: this.deps.ctx.nodeId, user: session.bareJid, kind: 'trapped' as const, xml: stanza.toString() };
    void this.deps.trapped.set(session.fullJid, entry).catch((err: unknown) => this.warn(err, session.fullJid));
    // A session connecting mid-call: it becomes available with the phone presence instead.
    if (!session.available) this.schedule(session.bareJid);
    return { reject: 'drop' };
  }

  private reconcileAll(): void {
    const users = new Set<string>();
    for (const session of this.deps.ctx.sessions.all()) users.add(session.bareJid);
    for (const user of users) this.schedule(user);
  }

  /** `resend`: send the wanted presence even where the session shows it already. */
  private schedule(user: string, { resend = false } = {}): void {
    if (this.deps.ctx.sessions.ofUser(user).length === 0) return;
    const previous = this.chains.get(user) ?? Promise.resolve();
    const next = previous
      .then(() => this.reconcileUser(user, resend))
      .catch((err: unknown) => {
        // One warning per outage and user, not one per retry.
        if (!resend) this.warn(err, user);
        this.unapplied.failed(user);
      })
      .finally(() => {
        if (this.chains.get(user) === next) this.chains.delete(user);
      });
    this.chains.set(user, next);
  }

  /** What the phone makes contacts see of the user: a call state, DND set on the phone, or nothing. */
  private shownState(user: string): ShownState | null {
    // A user who shows the phone to nobody keeps their own presence, calls and DND alike.
    if (this.deps.visibility?.(user) === 'nobody') return null;
    const entry = this.deps.phoneState.userState(user);
    if (entry?.onPhone === true) return busyStateOf(entry);
    return entry?.dnd === true ? 'dnd' : null;
  }

  /** The session shows dnd by its user's own choice (what it had, or set meanwhile). */
  private choseDnd(session: PluginSession): boolean {
    const own = this.deps.trapped.presenceOf(session.fullJid) ?? (isPhonePresence(session.presence) ? null : session.presence);
    return own?.getChildText('show') === 'dnd';
  }

  private async reconcileUser(user: string, resend: boolean): Promise<void> {
    const shown = this.shownState(user);
    for (const session of this.deps.ctx.sessions.ofUser(user)) {
      if (session.isEnded) continue;
      if (shown !== null && !(shown === 'dnd' && this.choseDnd(session))) await this.showPhone(session, shown, resend);
      else await this.restore(session, resend);
    }
  }

  private async showPhone(session: PluginSession, state: ShownState, resend = false): Promise<void> {
    const settings = this.deps.settings();
    const entry = this.deps.trapped.presenceOf(session.fullJid);
    if (!session.available) {
      // Not yet available: only a trapped initial presence makes it available.
      if (entry) await this.send(session, phonePresence(settings, entry, state));
      return;
    }
    if (isCurrentPhonePresence(session.presence, settings, state)) {
      if (resend) await this.send(session, session.presence!);
      return;
    }
    // What the phone presence cannot give back is kept; the cache shows a write locally at once,
    // so contacts need not wait for the other nodes to have it.
    const before = session.presence;
    const saved =
      !entry && before && !isPhonePresence(before) && !isRestorableFromPhone(before)
        ? this.deps.trapped.set(session.fullJid, { node: this.deps.ctx.nodeId, user: session.bareJid, kind: 'before-call', xml: before.toString() })
        : undefined;
    await Promise.all([saved, this.send(session, phonePresence(settings, entry ?? session.presence, state))]);
  }

  private async restore(session: PluginSession, resend = false): Promise<void> {
    const entry = this.deps.trapped.presenceOf(session.fullJid);
    if (entry) {
      await Promise.all([this.deps.trapped.delete(session.fullJid), session.available ? this.send(session, entry) : undefined]);
      return;
    }
    // Nothing stored: the presence before the call said no more than the phone presence keeps (or,
    // should an entry ever be lost, this is the closest to it): never leave the phone presence up.
    if (session.available && isPhonePresence(session.presence)) await this.send(session, withoutPhone(session.presence!));
    // The restored presence is the session's already (its entry deleted), but may not have reached every contact.
    else if (resend && session.available && session.presence) await this.send(session, session.presence);
  }

  /** Plugin stopping on this node: its sessions show what their users chose again. */
  private async restoreAll(): Promise<void> {
    for (const session of [...this.deps.ctx.sessions.all()]) {
      const entry = this.deps.trapped.get(session.fullJid);
      if (!session.isEnded && (entry ? entry.node === this.deps.ctx.nodeId : isPhonePresence(session.presence))) {
        await this.restore(session).catch((err: unknown) => this.warn(err, session.fullJid));
      }
    }
  }

  private async send(session: PluginSession, presence: Element): Promise<void> {
    if (session.isEnded) return;
    const stanza = clone(presence);
    delete stanza.attrs.to;
    await this.deps.ctx.sessions.publishPresence(session.fullJid, stanza);
  }

  private warn(err: unknown, subject: string): void {
    this.deps.ctx.logger.warn({ err, subject }, 'phone presence could not be applied');
  }
}
