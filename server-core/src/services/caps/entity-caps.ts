import type { Element } from 'ltx';
import { NS, parseXml } from '../../xml';
import type { ClusterCache } from '../../cluster/types';
import type { ClientSession } from '../../session';
import type { CoreContext } from '../../core/core-context';
import { advertisedCaps, type AdvertisedCaps } from './advertised-caps';
import type { EntityCaps, FeaturesKnownListener } from '../../core/caps-api';
import type { CapsQueries } from './caps-queries';
import { IllFormedAnswer, capsHash, readDiscoInfo, verificationString } from './caps-verification';
import type { KnownCaps } from './known-caps';

/**
 * Learns what each resource's `<c/>` stands for: known keys at once, unknown ones by asking
 * the client (on each node one resource per ver at a time), and the next resource with the same
 * ver when an answer does not verify (XEP-0115 section 5.4). What a resource advertises is read
 * from the replicated presence cache, which already holds every available resource's presence.
 */
export class LocalEntityCaps implements EntityCaps {
  /** Parsed `<c/>` of each resource, for as long as its cached presence stays the same. */
  private readonly advertised = new Map<string, { xml: string; caps: AdvertisedCaps | undefined }>();
  /** Per verifiable key being asked about on this node: who is asked, and the other local resources that advertise it. */
  private readonly waiting = new Map<string, { asked: ClientSession; others: Set<ClientSession> }>();
  /** Keys of features taken on trust for one local resource, dropped when it goes. */
  private readonly trustedFor = new Map<ClientSession, string>();
  private readonly listeners = new Set<FeaturesKnownListener>();
  private readonly forgetAdvertised = ({ key }: { key: string }): void => void this.advertised.delete(key);
  private readonly forgetAllAdvertised = (): void => this.advertised.clear();

  constructor(
    private readonly ctx: CoreContext,
    private readonly known: KnownCaps,
    private readonly queries: CapsQueries,
    private readonly presences: ClusterCache<string>,
  ) {
    presences.on('entry', this.forgetAdvertised);
    presences.on('cleared', this.forgetAllAdvertised);
  }

  featuresOf(fullJid: string): ReadonlySet<string> | undefined {
    const caps = this.cachedCaps(fullJid);
    return caps && this.known.features(caps.key);
  }

  /** disco#info requests of this node still waiting for an answer. */
  get pendingQueries(): number {
    return this.queries.size;
  }

  onFeaturesKnown(listener: FeaturesKnownListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listener for `presenceChanged` on this node; never throws into the presence handling. */
  presenceChanged(session: ClientSession, presence: Element): void {
    if (presence.attrs.type === 'unavailable') return;
    const caps = advertisedCaps(presence, session.fullJid);
    try {
      if (caps) this.learn(session, caps);
    } catch (err) {
      this.ctx.logger.error({ err, jid: session.fullJid }, 'could not learn the capabilities of a resource');
    }
  }

  sessionEnded(session: ClientSession): void {
    this.queries.sessionEnded(session);
    const trusted = this.trustedFor.get(session);
    if (trusted === undefined) return;
    this.trustedFor.delete(session);
    this.forget(trusted, session);
  }

  dispose(): void {
    this.presences.off('entry', this.forgetAdvertised);
    this.presences.off('cleared', this.forgetAllAdvertised);
    this.listeners.clear();
  }

  private learn(session: ClientSession, caps: AdvertisedCaps): void {
    const features = this.known.features(caps.key);
    if (features) return this.announce(session, caps.key, features);
    const pending = caps.hash === undefined ? undefined : this.waiting.get(caps.key);
    if (pending) {
      if (pending.asked !== session) pending.others.add(session);
      return;
    }
    // A resource being asked already re-checks what it advertises once it answered; beyond the
    // bound on open queries, the caps stay unknown until the resource's next presence.
    if (!this.queries.canAsk(session)) return;
    if (caps.hash !== undefined) this.waiting.set(caps.key, { asked: session, others: new Set() });
    this.ask(session, caps).catch((err) => this.ctx.logger.error({ err, jid: session.fullJid }, 'could not learn the capabilities of a resource'));
  }

  private async ask(session: ClientSession, caps: AdvertisedCaps): Promise<void> {
    let features: ReadonlySet<string> | undefined;
    try {
      const answer = await this.queries.ask(session, caps);
      features = answer ? this.accept(session, caps, answer) : undefined;
    } finally {
      if (caps.hash !== undefined) this.handOver(caps, features);
    }
    if (features && this.advertises(session, caps.key)) this.announce(session, caps.key, features);
    // The resource may have sent other caps while it was being asked.
    const now = this.currentCaps(session);
    if (now && now.key !== caps.key) this.learn(session, now);
  }

  /** The features of a well-formed answer that matches the ver, now remembered; undefined otherwise. */
  private accept(session: ClientSession, caps: AdvertisedCaps, query: Element): ReadonlySet<string> | undefined {
    let info;
    try {
      info = readDiscoInfo(query);
    } catch (err) {
      if (!(err instanceof IllFormedAnswer)) throw err;
      this.ctx.logger.info({ jid: session.fullJid, node: caps.node, reason: err.message }, 'ill-formed disco#info answer to a caps query');
      return undefined;
    }
    if (caps.hash !== undefined && capsHash(caps.hash, verificationString(info)) !== caps.ver) {
      this.ctx.logger.info({ jid: session.fullJid, node: caps.node, ver: caps.ver }, 'the disco#info answer does not match the advertised caps ver');
      return undefined;
    }
    if (caps.hash === undefined) {
      const previous = this.trustedFor.get(session);
      this.trustedFor.set(session, caps.key);
      if (previous !== undefined && previous !== caps.key) this.forget(previous, session);
    }
    this.known.remember(caps.key, info.features).catch((err) => this.ctx.logger.warn({ err, key: caps.key }, 'could not share learnt capabilities'));
    return this.known.features(caps.key) ?? new Set(info.features);
  }

  /**
   * The local resources waiting on the same ver learn the features, or, when the asked resource
   * gave none that verify (error, silence, mismatch), the first of them is asked in turn and
   * the others wait on it.
   */
  private handOver(caps: AdvertisedCaps, features: ReadonlySet<string> | undefined): void {
    const others = this.waiting.get(caps.key)?.others ?? [];
    this.waiting.delete(caps.key);
    for (const session of others) {
      if (!this.advertises(session, caps.key)) continue;
      if (features) this.announce(session, caps.key, features);
      else this.learn(session, caps);
    }
  }

  private forget(key: string, session: ClientSession): void {
    this.known.forget(key).catch((err) => this.ctx.logger.warn({ err, jid: session.fullJid }, 'could not drop the capabilities of a resource'));
  }

  private announce(session: ClientSession, key: string, features: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(session, features, key);
  }

  private advertises(session: ClientSession, key: string): boolean {
    return this.currentCaps(session)?.key === key;
  }

  private currentCaps(session: ClientSession): AdvertisedCaps | undefined {
    if (session.isEnded || !session.available || !session.presence) return undefined;
    return advertisedCaps(session.presence, session.fullJid);
  }

  private cachedCaps(fullJid: string): AdvertisedCaps | undefined {
    const xml = this.presences.get(fullJid);
    if (xml === undefined) return undefined;
    const seen = this.advertised.get(fullJid);
    if (seen?.xml === xml) return seen.caps;
    const caps = xml.includes(NS.CAPS) ? this.parseCaps(fullJid, xml) : undefined;
    this.advertised.set(fullJid, { xml, caps });
    return caps;
  }

  private parseCaps(fullJid: string, xml: string): AdvertisedCaps | undefined {
    try {
      return advertisedCaps(parseXml(xml), fullJid);
    } catch (err) {
      this.ctx.logger.error({ err, jid: fullJid }, 'unreadable cached presence');
      return undefined;
    }
  }
}
