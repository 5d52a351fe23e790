import type { Element } from 'ltx';
import { z } from 'zod';
import type { Logger } from '../../log';
import type { PluginCluster, TimerHandle } from '../../plugins/types';
import { StanzaError, parseJid, parseXml, type Jid } from '../../xml';

export const FORWARD_TOPIC = 'stanza';
const forwarded = z.object({ from: z.string(), to: z.string(), xml: z.string() });

/** How long a stanza waits for a senior to exist before it is refused (an election is under way). */
const NO_OWNER_WAIT_MS = 5000;
const NO_OWNER_POLL_MS = 100;

export interface MucForwarderDeps {
  cluster: PluginCluster;
  logger: Logger;
  timers: { setTimeout(fn: () => unknown, ms: number): TimerHandle };
  /** Handles a stanza on the owning node (this one). */
  handle(stanza: Element, from: Jid, to: Jid): Promise<void>;
  reject(stanza: Element, error: StanzaError): void;
}

/**
 * Every room lives on one node, the senior: a stanza to the service that arrives on another
 * node is sent there as a cluster message, so a room has one authoritative state and one order
 * of events. Messages between two nodes keep their order.
 */
export class MucForwarder {
  constructor(private readonly deps: MucForwarderDeps) {}

  /** The component's entry point on every node. */
  async accept(stanza: Element, from: Jid, to: Jid, waitedMs = 0): Promise<void> {
    const { cluster } = this.deps;
    stanza.attrs.from = from.full;
    stanza.attrs.to = to.full;
    if (cluster.isSenior()) return this.deps.handle(stanza, from, to);
    const owner = cluster.seniorId();
    if (owner === null || owner === cluster.nodeId) {
      if (waitedMs >= NO_OWNER_WAIT_MS) return this.deps.reject(stanza, new StanzaError('service-unavailable', 'the chat rooms are changing hands; try again', 'wait'));
      this.deps.timers.setTimeout(() => this.accept(stanza, from, to, waitedMs + NO_OWNER_POLL_MS), NO_OWNER_POLL_MS);
      return;
    }
    cluster.send(owner, FORWARD_TOPIC, JSON.stringify({ from: from.full, to: to.full, xml: stanza.toString() }));
  }

  /** A stanza another node forwarded here. */
  received(payload: string, fromNode: string): void {
    let stanza: Element;
    let from: Jid;
    let to: Jid;
    try {
      const message = forwarded.parse(JSON.parse(payload));
      stanza = parseXml(message.xml);
      from = parseJid(message.from);
      to = parseJid(message.to);
    } catch (err) {
      this.deps.logger.warn({ err, fromNode }, 'dropped a malformed forwarded MUC stanza');
      return;
    }
    // Sent while this node was senior but it no longer is: pass it on to the one that is.
    this.accept(stanza, from, to).catch((err: unknown) => this.deps.logger.error({ err, fromNode }, 'a forwarded MUC stanza failed'));
  }
}
