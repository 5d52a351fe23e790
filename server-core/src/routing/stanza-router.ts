import type { Element } from 'ltx';
import type { Logger } from '../log';
import type { Cluster } from '../cluster/types';
import { clone, parseJid, tryParseJid, parseXml, StanzaError, errorReply, iqResult, canReplyWithError, iqPayload, refusalFields, JidError, type Jid } from '../xml';
import type { LocalSessions } from '../session/local-sessions';
import type { RouteTable } from '../session/route-table';
import type { IqHandlers } from './iq-handlers';
import type { ClientSession } from '../session/client-session';

/** Handles every stanza addressed to one component domain (e.g. `echo.example.com`). */
export type ComponentHandler = (stanza: Element, from: Jid, to: Jid) => Promise<void> | void;

/**
 * Handles a stanza for a domain that is neither this server's nor a component's: federation
 * (server-to-server) when it runs. Without one, such domains are unreachable.
 */
export type RemoteDomainHandler = (stanza: Element, from: Jid, to: Jid) => Promise<void> | void;

/** The IM rules for stanzas addressed to a local user (RFC 6121 8.5), provided by `im/`. */
export interface UserDelivery {
  /** `redelivered`: another node applied the rules already and sent it here for a resource that has left since. */
  message(stanza: Element, to: Jid, from: Jid, options?: { redelivered?: boolean }): Promise<void>;
  presence(stanza: Element, to: Jid, from: Jid): Promise<void>;
  /** IQ to a full JID whose resource is not online. */
  accountExists(username: string): Promise<boolean>;
}

export interface RouterDeps {
  domain: string;
  sessions: LocalSessions;
  routes: RouteTable;
  cluster: Cluster;
  iqHandlers: IqHandlers;
  logger: Logger;
}

const DELIVER_TOPIC = 'xmpp.deliver';
/** One stanza for several resources of one node: it crosses the cluster once, not once per resource. */
const DELIVER_EACH_TOPIC = 'xmpp.deliver-each';

interface RemoteDelivery {
  to: string;
  xml: string;
}

interface RemoteFanOut {
  to: string[];
  xml: string;
}

/**
 * Decides where a stanza goes: the server itself, a component, a user's resource on this
 * or another node, or the IM rules for a bare JID. Errors go back to the sender.
 */
export class StanzaRouter {
  private readonly components = new Map<string, ComponentHandler>();
  private delivery: UserDelivery | undefined;
  private remoteDomains: RemoteDomainHandler | undefined;
  private readonly disposeRemote: () => void;

  constructor(private readonly deps: RouterDeps) {
    const subs = [deps.cluster.onMessage(DELIVER_TOPIC, (payload) => this.onRemoteDelivery(payload)), deps.cluster.onMessage(DELIVER_EACH_TOPIC, (payload) => this.onRemoteFanOut(payload))];
    this.disposeRemote = () => subs.forEach((sub) => sub.dispose());
  }

  setUserDelivery(delivery: UserDelivery): void {
    this.delivery = delivery;
  }

  /** The fallback for domains neither local nor a component's; `undefined` removes it. Returns its undo. */
  setRemoteDomains(handler: RemoteDomainHandler | undefined): () => void {
    this.remoteDomains = handler;
    return () => {
      if (this.remoteDomains === handler) this.remoteDomains = undefined;
    };
  }

  registerComponent(domain: string, handler: ComponentHandler): () => void {
    const key = domain.toLowerCase();
    if (key === this.deps.domain || this.components.has(key)) throw new Error(`the address ${domain} is already served`);
    this.components.set(key, handler);
    return () => {
      if (this.components.get(key) === handler) this.components.delete(key);
    };
  }

  hasComponent(domain: string): boolean {
    return this.components.has(domain);
  }

  componentDomains(): string[] {
    return [...this.components.keys()];
  }

  dispose(): void {
    this.disposeRemote();
  }

  /** Routes a stanza whose `from` is already trusted. */
  async route(stanza: Element, from: Jid, session?: ClientSession): Promise<void> {
    let to: Jid;
    try {
      to = parseJid(String(stanza.attrs.to));
    } catch (err) {
      return this.reject(stanza, new StanzaError('jid-malformed', err instanceof JidError ? err.message : undefined));
    }
    stanza.attrs.to = to.full;
    try {
      if (to.domain === this.deps.domain) {
        if (to.local === null) return await this.toServer(stanza, from, to, session);
        return await this.toUser(stanza, from, to, session);
      }
      const component = this.components.get(to.domain);
      if (component) return await component(stanza, from, to);
      if (this.remoteDomains) return await this.remoteDomains(stanza, from, to);
      return this.reject(stanza, new StanzaError('remote-server-not-found', `this server does not federate; ${to.domain} is unreachable`));
    } catch (err) {
      if (err instanceof StanzaError) return this.reject(stanza, err);
      this.deps.logger.error({ err, to: to.full, kind: stanza.name }, 'stanza handling failed');
      return this.reject(stanza, new StanzaError('internal-server-error'));
    }
  }

  /** Sends the error reply for `stanza` to its sender (never answers an error). */
  reject(stanza: Element, error: StanzaError): void {
    if (!canReplyWithError(stanza) || !stanza.attrs.from) return;
    this.deps.logger.debug(refusalFields(stanza, error), 'request refused');
    const reply = errorReply(stanza, error);
    // The error comes from the address the sender used, unless that address is itself the problem.
    const from = tryParseJid(reply.attrs.from as string | undefined) ?? parseJid(this.deps.domain);
    reply.attrs.from = from.full;
    void this.route(reply, from);
  }

  /** Delivers to one resource on any node. False when that resource is not online. */
  deliverToResource(fullJid: string, stanza: Element): boolean {
    const local = this.deps.sessions.get(fullJid);
    // A session that is ending takes nothing more: the message falls back as if it were gone.
    if (local && !local.isEnded) {
      local.deliver(stanza);
      return true;
    }
    const route = this.deps.routes.get(fullJid);
    if (!route || route.node === this.deps.cluster.nodeId) return false;
    const payload: RemoteDelivery = { to: fullJid, xml: stanza.toString() };
    this.deps.cluster.send(route.node, DELIVER_TOPIC, JSON.stringify(payload));
    return true;
  }

  /**
   * Delivers a copy of `stanza` to each resource, addressed to it, on any node: what goes to
   * another node travels as one cluster message per node, so a room's message to 300 occupants
   * elsewhere costs one message to each node they are on. Returns the resources not online.
   */
  deliverToEach(fullJids: readonly string[], stanza: Element): string[] {
    const offline: string[] = [];
    const remote = new Map<string, string[]>();
    for (const fullJid of fullJids) {
      const local = this.deps.sessions.get(fullJid);
      if (local && !local.isEnded) {
        local.deliver(addressedTo(stanza, fullJid));
        continue;
      }
      const route = this.deps.routes.get(fullJid);
      if (!route || route.node === this.deps.cluster.nodeId) offline.push(fullJid);
      else if (remote.has(route.node)) remote.get(route.node)!.push(fullJid);
      else remote.set(route.node, [fullJid]);
    }
    if (remote.size > 0) {
      const xml = stanza.toString();
      for (const [node, to] of remote) this.deps.cluster.send(node, DELIVER_EACH_TOPIC, JSON.stringify({ to, xml } satisfies RemoteFanOut));
    }
    return offline;
  }

  private async toServer(stanza: Element, from: Jid, to: Jid, session?: ClientSession): Promise<void> {
    if (stanza.name !== 'iq') return; // messages and presence to the server itself are not for anyone
    return this.answerIq('server', stanza, from, to, session);
  }

  private async toUser(stanza: Element, from: Jid, to: Jid, session?: ClientSession): Promise<void> {
    const delivery = this.delivery!;
    if (stanza.name === 'message') return delivery.message(stanza, to, from);
    if (stanza.name === 'presence') return delivery.presence(stanza, to, from);
    if (to.resource !== null) {
      if (this.deliverToResource(to.full, stanza)) return;
      return this.reject(stanza, new StanzaError('service-unavailable'));
    }
    if (!(await delivery.accountExists(to.local!))) return this.reject(stanza, new StanzaError('service-unavailable'));
    return this.answerIq('account', stanza, from, to, session);
  }

  private async answerIq(scope: 'server' | 'account', iq: Element, from: Jid, to: Jid, session?: ClientSession): Promise<void> {
    const type = iq.attrs.type;
    if (type === 'result' || type === 'error') return; // answers to the server itself: nobody is waiting
    if (type !== 'get' && type !== 'set') return this.reject(iq, new StanzaError('bad-request', 'IQ type must be get, set, result or error'));
    const payload = iqPayload(iq);
    if (!payload) return this.reject(iq, new StanzaError('bad-request', 'an IQ get or set carries exactly one child element'));
    const handler = this.deps.iqHandlers.find(scope, payload.attrs.xmlns as string | undefined);
    if (!handler) return this.reject(iq, new StanzaError('service-unavailable'));
    const result = await handler({ iq, payload, from, to, session });
    const reply = iqResult(iq, result ?? undefined);
    reply.attrs.from = to.full;
    await this.route(reply, to);
  }

  private onRemoteDelivery(payload: string): void {
    let message: RemoteDelivery;
    let stanza: Element;
    try {
      message = JSON.parse(payload) as RemoteDelivery;
      stanza = parseXml(message.xml);
    } catch (err) {
      this.deps.logger.error({ err }, 'unreadable stanza from another node');
      return;
    }
    this.deliverArrived(message.to, stanza);
  }

  private onRemoteFanOut(payload: string): void {
    let message: RemoteFanOut;
    let stanza: Element;
    try {
      message = JSON.parse(payload) as RemoteFanOut;
      stanza = parseXml(message.xml);
    } catch (err) {
      this.deps.logger.error({ err }, 'unreadable stanza from another node');
      return;
    }
    for (const to of message.to) this.deliverArrived(to, addressedTo(stanza, to));
  }

  /** A stanza another node sent here for one of this node's resources. */
  private deliverArrived(fullJid: string, stanza: Element): void {
    const local = this.deps.sessions.get(fullJid);
    if (local) return local.deliver(stanza);
    // The resource left between lookup and delivery: apply the rules for an absent resource.
    if (stanza.name === 'message') {
      const to = parseJid(fullJid);
      void this.delivery?.message(stanza, parseJid(to.bare), parseJid(String(stanza.attrs.from)), { redelivered: true });
    } else if (stanza.name === 'iq') {
      this.reject(stanza, new StanzaError('service-unavailable'));
    }
  }
}

/** A copy of `stanza` addressed to `to`. */
function addressedTo(stanza: Element, to: string): Element {
  const copy = clone(stanza);
  copy.attrs.to = to;
  return copy;
}
