import type { Element } from 'ltx';
import type { CoreContext } from '../../core/core-context';
import type { ServiceRef } from '../../core/service-registry';
import type { ClientSession } from '../../session';
import type { ClientStates } from '../csi/module';

/** Before CSI (10) and stream management (100): every stanza the session is given passes here first. */
const PUSH_STAGE_ORDER = 5;

/** A message for an account none of whose sessions a person is looking at, and how many came so far. */
export type IdleMessageListener = (username: string, message: Element, count: number) => void;

/**
 * Watches what is delivered to this node's sessions: a message with a body that reaches a
 * session detached by XEP-0198 (waiting to be resumed) or inactive by XEP-0352, while no
 * session of the account is active, on this node or another, is told to `listener`. The count
 * is the messages told since one of the account's sessions was last given a stanza while active.
 */
export class IdleSessions {
  private readonly counts = new Map<string, number>();
  private readonly stages = new Map<ClientSession, { remove(): void }>();

  constructor(
    private readonly core: CoreContext,
    private readonly csi: ServiceRef<ClientStates>,
    private readonly listener: IdleMessageListener,
  ) {}

  /** Watches the node's sessions, now and to come; returns the undo. */
  install(): () => void {
    for (const session of this.core.sessions.all()) this.watch(session);
    const offCreated = this.core.events.on('sessionCreated', (session) => this.watch(session));
    const offDestroyed = this.core.events.on('sessionDestroyed', (session) => {
      this.stages.get(session)?.remove();
      this.stages.delete(session);
    });
    return () => {
      offCreated();
      offDestroyed();
      for (const stage of this.stages.values()) stage.remove();
      this.stages.clear();
    };
  }

  private idle(session: ClientSession): boolean {
    return session.isDetached || (this.csi.current?.isInactive(session) ?? false);
  }

  private watch(session: ClientSession): void {
    if (this.stages.has(session)) return;
    const stage = session.output.add({
      name: 'push',
      order: PUSH_STAGE_ORDER,
      write: (stanza, next) => {
        next(stanza);
        this.seen(session, stanza);
      },
    });
    this.stages.set(session, stage);
  }

  private seen(session: ClientSession, stanza: Element): void {
    if (!this.idle(session)) {
      this.counts.delete(session.username);
      return;
    }
    if (!stanza.is('message') || stanza.getChildText('body') === null || stanza.attrs.type === 'error' || stanza.attrs.type === 'groupchat') return;
    if (!this.allIdle(session)) return;
    const count = (this.counts.get(session.username) ?? 0) + 1;
    this.counts.set(session.username, count);
    this.listener(session.username, stanza, count);
  }

  /** No session of the account is active: the local ones are all idle and no other node holds one. */
  private allIdle(session: ClientSession): boolean {
    if (this.core.sessions.ofUser(session.bareJid).some((other) => !this.idle(other))) return false;
    return this.core.routes.resourcesOf(session.bareJid).every((route) => route.node === this.core.nodeId);
  }
}
