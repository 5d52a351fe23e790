import { clone, type Element } from 'ltx';
import type { CoreContext } from '../core/core-context';
import type { ClientSession } from '../session/client-session';
import { parseJid } from '../xml/jid';

/**
 * A client session as plugins see it: read-only fields, read when asked (they follow the
 * session), never the session itself. What a plugin may do with a session goes through the
 * verbs of `ctx.sessions`.
 */
export interface PluginSession {
  readonly fullJid: string;
  readonly bareJid: string;
  readonly username: string;
  readonly resource: string;
  /** The node the session is bound on (always this node for `ctx.sessions`). */
  readonly node: string;
  /** Priority of the last broadcast presence (0 before any). */
  readonly priority: number;
  /** Sent available presence and has not gone unavailable since. */
  readonly available: boolean;
  /** A copy of the last available presence the resource broadcast (stamped), or null. */
  readonly presence: Element | null;
  /** Milliseconds since the epoch at bind time. */
  readonly createdAt: number;
  /** The session has ended (its stream closed); verbs on it do nothing. */
  readonly isEnded: boolean;
}

/** The sessions bound on this node, as read-only views, and what a plugin may do with them. */
export interface PluginSessions {
  get(fullJid: string): PluginSession | undefined;
  ofUser(bareJid: string): PluginSession[];
  all(): PluginSession[];
  readonly size: number;
  /**
   * Delivers a stanza to a resource bound on this node, through the outgoing interceptors
   * (`to` defaults to the resource, `from` to the domain). False when it is not bound here.
   */
  send(fullJid: string, stanza: Element): boolean;
  /** Disconnects a resource wherever it is bound, with a `policy-violation` stream error saying `reason`. False when it is not online. */
  kick(fullJid: string, reason: string): Promise<boolean>;
  /**
   * Broadcasts presence on behalf of a resource bound on this node, through the path the
   * client's own broadcast presence takes: the other plugins' and the core's incoming
   * interceptors, the presence broadcast to contacts on every node, the session's presence
   * and priority, `presenceChanged`. Only available or unavailable presence without `to`.
   * The publishing plugin's own interceptors do not see it. False when the resource is not
   * bound here or an interceptor rejected the presence.
   */
  publishPresence(fullJid: string, presence: Element): Promise<boolean>;
}

/** One view per session, so a plugin may use views as keys and compare them. */
const views = new WeakMap<ClientSession, PluginSession>();

export function sessionView(session: ClientSession, node: string): PluginSession {
  let view = views.get(session);
  if (!view) {
    view = Object.freeze({
      fullJid: session.fullJid,
      bareJid: session.bareJid,
      username: session.username,
      resource: session.jid.resource ?? '',
      node,
      createdAt: session.createdAt,
      get priority() {
        return session.priority;
      },
      get available() {
        return session.available;
      },
      get presence() {
        return session.presence ? clone(session.presence) : null;
      },
      get isEnded() {
        return session.isEnded;
      },
    });
    views.set(session, view);
  }
  return view;
}

/**
 * `ctx.sessions` of one plugin. `published` collects the presence stanzas it publishes, so
 * that its own interceptors can let them pass unseen.
 */
export function pluginSessions(core: CoreContext, published: WeakSet<Element>): PluginSessions {
  const view = (session: ClientSession) => sessionView(session, core.nodeId);
  const fullJidOf = (jid: string): string => {
    const parsed = parseJid(jid);
    if (!parsed.resource) throw new TypeError(`"${jid}" is not a full JID`);
    return parsed.full;
  };
  return {
    get: (fullJid) => {
      const session = core.sessions.get(fullJid);
      return session && view(session);
    },
    ofUser: (bareJid) => core.sessions.ofUser(bareJid).map(view),
    all: () => [...core.sessions.all()].map(view),
    get size() {
      return core.sessions.size;
    },
    send(fullJid, stanza) {
      const session = core.sessions.get(fullJidOf(fullJid));
      if (!session || session.isEnded) return false;
      stanza.attrs.to ??= session.fullJid;
      stanza.attrs.from ??= core.domain;
      session.deliver(stanza);
      return true;
    },
    async kick(fullJid, reason) {
      const ended = await core.sessionEnding.endResource({ jid: fullJidOf(fullJid), condition: 'policy-violation', text: reason });
      return ended?.ended === true;
    },
    async publishPresence(fullJid, presence) {
      const session = core.sessions.get(fullJidOf(fullJid));
      if (!session || session.isEnded) return false;
      const stanza = clone(presence);
      published.add(stanza);
      return session.publishPresence(stanza);
    },
  };
}
