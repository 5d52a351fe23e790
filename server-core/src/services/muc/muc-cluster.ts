import type { Element } from 'ltx';
import { z } from 'zod';
import type { Logger } from '../../log';
import type { PluginCluster, TimerHandle } from '../../plugins/types';
import { StanzaError, parseJid, parseXml, type Jid } from '../../xml';
import { NotSeniorError, type ForwardLedger, type RoomTurn } from './muc-forward-ledger';
import { Outbox, type OutboxEntry } from './muc-outbox';

export const FORWARD_TOPIC = 'stanza';
export const ACK_TOPIC = 'stanza-ack';
const forwarded = z.object({ id: z.string().min(1).max(200), from: z.string(), to: z.string(), xml: z.string() });
const acknowledged = z.object({ ids: z.array(z.string()) });

/** An unacknowledged stanza goes to the same senior again once it sent no acknowledgement for this long (lost on the way, a paused senior). */
export const RESEND_AFTER_MS = 1000;
/** A stanza unacknowledged after this long is refused to its sender when no senior answers (none, or one that went silent). */
export const GIVE_UP_AFTER_MS = 30_000;
/** How often the outbox looks for a new senior, resends what is due and refuses what waited too long. */
export const CHECK_EVERY_MS = 250;

/** How long a stanza that reached a node not (yet) senior waits for that node to become senior. */
const EARLY_KEEP_MS = RESEND_AFTER_MS;

interface Early {
  id: string;
  stanza: Element;
  from: Jid;
  to: Jid;
  fromNode: string;
  at: number;
}

export interface MucForwarderDeps {
  cluster: PluginCluster;
  logger: Logger;
  timers: { setTimeout(fn: () => unknown, ms: number): TimerHandle };
  ledger: ForwardLedger;
  /** The most stanzas this node keeps unacknowledged; past it senders get `resource-constraint`. */
  outboxLimit: number;
  /** Handles a stanza on the owning node (this one); `turn` for a forwarded stanza to a room. */
  handle(stanza: Element, from: Jid, to: Jid, turn?: RoomTurn): Promise<void>;
  reject(stanza: Element, error: StanzaError): void;
  now(): number;
}

/**
 * Every room lives on one node, the senior: a stanza to the service that arrives on another
 * node is sent there as a cluster message, so a room has one authoritative state and one order
 * of events. Messages between two nodes keep their order.
 *
 * Forwarding is reliable: each forwarded stanza stays in this node's outbox until the senior
 * acknowledges it, which it does once the stanza is handled and recorded (ForwardLedger). When
 * seniority moves, the unacknowledged stanzas go to the new senior (or are handled here, when
 * this node became senior) in their original order and before anything newer; the record tells
 * the new senior which of them its predecessor already handled, so none is handled twice.
 */
export class MucForwarder {
  private readonly outbox: Outbox;
  /** The senior the whole outbox was last sent to: a new stanza for it goes out at once. */
  private sentTo: string | null = null;
  private readonly acks = new Map<string, string[]>();
  /** When the last acknowledgement arrived (monotonic ms). */
  private lastAckAt = 0;
  /** Forwarded stanzas that reached this node while it was not senior, oldest first. */
  private early: Early[] = [];
  /** The outbox refused a stanza since it was last empty. */
  private overflowed = false;

  constructor(private readonly deps: MucForwarderDeps) {
    this.outbox = new Outbox(deps.cluster.nodeId, deps.outboxLimit);
  }

  /** Stanzas waiting for an acknowledgement. */
  get pending(): number {
    return this.outbox.size;
  }

  /** The component's entry point on every node. */
  accept(stanza: Element, from: Jid, to: Jid): Promise<void> | void {
    const { cluster } = this.deps;
    stanza.attrs.from = from.full;
    stanza.attrs.to = to.full;
    // The senior's own clients, with nothing left over from an earlier senior: straight to the room.
    if (this.outbox.size === 0 && cluster.isSenior()) return this.deps.handle(stanza, from, to);
    if (this.outbox.full) {
      if (!this.overflowed) this.deps.logger.warn({ limit: this.outbox.limit }, 'the MUC outbox is full: stanzas for the chat rooms are refused until the senior acknowledges some');
      this.overflowed = true;
      return this.deps.reject(stanza, new StanzaError('resource-constraint', 'too many stanzas are waiting for the chat rooms; try again shortly', 'wait'));
    }
    const entry = this.outbox.add(stanza, from, to, this.deps.now());
    const owner = cluster.seniorId();
    if (this.sentTo !== null && owner === this.sentTo && !cluster.isSenior()) return this.send(entry, owner);
    // Seniority moved (or nobody is senior): what is unacknowledged goes first, in order.
    this.pump();
  }

  /**
   * Sends what is due, oldest first: everything not yet sent to the current senior, and what
   * it left unacknowledged while it acknowledged nothing for RESEND_AFTER_MS; on the senior,
   * handles it here. Refuses what waited GIVE_UP_AFTER_MS while nothing is acknowledged. Runs
   * on every seniority change and every CHECK_EVERY_MS.
   */
  pump(): void {
    const { cluster } = this.deps;
    const senior = cluster.isSenior();
    if (senior) this.takeEarly();
    else this.dropStaleEarly();
    if (this.outbox.size === 0) return;
    const now = this.deps.now();
    const owner = senior ? cluster.nodeId : cluster.seniorId();
    const reachable = !senior && owner !== null && owner !== cluster.nodeId;
    let resent = 0;
    for (const entry of this.outbox.values()) {
      if (entry.handling) continue;
      // Refused only while nothing is acknowledged: a senior working through a backlog is left
      // to it (the outbox limit bounds what waits), as the sender would see it arrive anyway.
      if (now - entry.acceptedAt >= GIVE_UP_AFTER_MS && now - this.lastAckAt >= RESEND_AFTER_MS) {
        this.settle(entry.id);
        this.deps.logger.warn({ id: entry.id, sentTo: entry.sentTo }, 'a forwarded MUC stanza was never acknowledged; refused to its sender');
        this.deps.reject(entry.stanza, new StanzaError('service-unavailable', 'the chat rooms did not take this in time; try again', 'wait'));
        continue;
      }
      if (senior) {
        if (entry.sentTo !== null && entry.sentTo !== cluster.nodeId) resent++;
        entry.handling = true;
        this.handleOnce(entry.id, entry.stanza, entry.from, entry.to, cluster.nodeId);
        continue;
      }
      // The same senior gets it again only when it has gone silent: one that acknowledges is
      // working through a backlog, and a resend would only add to it.
      if (!reachable || (entry.sentTo === owner && now - Math.max(entry.sentAt, this.lastAckAt) < RESEND_AFTER_MS)) continue;
      if (entry.sentTo !== null) resent++;
      this.send(entry, owner);
    }
    this.sentTo = reachable ? owner : null;
    // On the senior: stanzas an earlier senior left unacknowledged, handled here (once, by the record).
    if (resent > 0) this.deps.logger.info({ senior: owner, resent }, 'unacknowledged MUC stanzas sent again');
  }

  /** A stanza another node forwarded here. */
  received(payload: string, fromNode: string): void {
    let id: string;
    let stanza: Element;
    let from: Jid;
    let to: Jid;
    try {
      const message = forwarded.parse(JSON.parse(payload));
      id = message.id;
      stanza = parseXml(message.xml);
      from = parseJid(message.from);
      to = parseJid(message.to);
    } catch (err) {
      this.deps.logger.warn({ err, fromNode }, 'dropped a malformed forwarded MUC stanza');
      return;
    }
    if (!this.deps.cluster.isSenior()) {
      // Its sender may have read the lease this node just won before this node heard it won:
      // kept a moment, and handled before anything newer once this node is senior. Otherwise
      // (it was sent while this node was senior) it stays unacknowledged and its sender sends
      // it on to the senior it finds.
      this.dropStaleEarly();
      if (this.early.length < this.outbox.limit) this.early.push({ id, stanza, from, to, fromNode, at: this.deps.now() });
      return;
    }
    this.takeEarly();
    this.handleOnce(id, stanza, from, to, fromNode);
  }

  /** The senior acknowledged stanzas this node forwarded. */
  acknowledged(payload: string, fromNode: string): void {
    let ids: string[];
    try {
      ids = acknowledged.parse(JSON.parse(payload)).ids;
    } catch (err) {
      this.deps.logger.warn({ err, fromNode }, 'dropped a malformed MUC acknowledgement');
      return;
    }
    this.lastAckAt = this.deps.now();
    for (const id of ids) this.settle(id);
  }

  /** Acknowledged or given up: out of the outbox. */
  private settle(id: string): void {
    if (!this.outbox.remove(id) || !this.overflowed || this.outbox.size > 0) return;
    this.overflowed = false;
    this.deps.logger.info('the MUC outbox is empty again after it was full');
  }

  /** On becoming senior: the stanzas that arrived just before, in the order they came. */
  private takeEarly(): void {
    this.dropStaleEarly();
    const early = this.early.splice(0);
    for (const e of early) this.handleOnce(e.id, e.stanza, e.from, e.to, e.fromNode);
  }

  private dropStaleEarly(): void {
    const now = this.deps.now();
    let stale = 0;
    while (stale < this.early.length && now - this.early[stale]!.at >= EARLY_KEEP_MS) stale++;
    if (stale > 0) this.early.splice(0, stale);
  }

  private send(entry: OutboxEntry, owner: string): void {
    entry.sentTo = owner;
    entry.sentAt = this.deps.now();
    this.deps.cluster.send(owner, FORWARD_TOPIC, entry.payload);
  }

  /** On the senior: handles a forwarded stanza unless it (or a previous senior) already did. */
  private handleOnce(id: string, stanza: Element, from: Jid, to: Jid, origin: string): void {
    const state = this.deps.ledger.state(id);
    if (state === 'handled') return this.acknowledge(origin, id);
    if (state === 'handling') return; // its acknowledgement follows
    this.deps.ledger.run(id, to.local === null ? null : to.bare, (turn) => this.deps.handle(stanza, from, to, turn)).then(
      () => this.acknowledge(origin, id),
      (err: unknown) => {
        if (err instanceof NotSeniorError) {
          // Seniority moved while it was handled here: the next senior gets it from the outbox.
          if (origin === this.deps.cluster.nodeId) this.unhandled(id);
          return;
        }
        this.deps.logger.error({ err, fromNode: origin }, 'a forwarded MUC stanza failed');
        this.acknowledge(origin, id);
      },
    );
  }

  private unhandled(id: string): void {
    const entry = this.outbox.get(id);
    if (!entry) return;
    entry.handling = false;
    entry.sentTo = null;
  }

  /** Acknowledgements to one node go out together, once per turn of the event loop. */
  private acknowledge(origin: string, id: string): void {
    if (origin === this.deps.cluster.nodeId) return this.settle(id);
    const ids = this.acks.get(origin);
    if (ids) return void ids.push(id);
    this.acks.set(origin, [id]);
    if (this.acks.size === 1) this.deps.timers.setTimeout(() => this.flushAcks(), 0);
  }

  private flushAcks(): void {
    for (const [node, ids] of this.acks) this.deps.cluster.send(node, ACK_TOPIC, JSON.stringify({ ids }));
    this.acks.clear();
  }
}
