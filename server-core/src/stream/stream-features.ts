/**
 * The stream features a client-to-server stream offers and answers (RFC 6120 section 4.3):
 * the core's own (STARTTLS, SASL, resource binding, ...) and those modules and plugins add.
 * A feature says in which `<stream:features/>` it is offered, what it advertises there, and
 * which top-level elements it answers in which phase of the stream.
 */
import type { Element } from 'ltx';
import type { StanzaError } from '../xml';
import type { StreamError } from './stream-errors';
import type { BoundSession } from './client-stream';

/**
 * Where a stream is: `pre-auth` (before SASL succeeded; before and after TLS, see `secure`),
 * `post-auth` (authenticated, no resource bound yet), `bound` (stanzas flow).
 */
export type StreamPhase = 'pre-auth' | 'post-auth' | 'bound';

/** What a feature sees of, and may do with, the stream it is offered on. */
export interface FeatureStream {
  readonly id: string;
  readonly domain: string;
  readonly phase: StreamPhase;
  /** TLS is up (STARTTLS done, direct TLS, or a TLS-terminated WebSocket). */
  readonly secure: boolean;
  /** STARTTLS is possible on this connection (plain TCP with a certificate). */
  readonly canStartTls: boolean;
  readonly remoteAddress: string;
  /** The authenticated user (local part), from `post-auth` on. */
  readonly username: string | undefined;
  /** The session bound (or resumed) on this stream, from `bound` on. */
  readonly session: BoundSession | undefined;
  /** Writes an element as it is (nonzas, negotiation answers). */
  write(element: Element): void;
  /**
   * Writes a stanza, qualified with jabber:client so WebSocket frames stand alone. Once bound it
   * goes through the session's output stages, so stream management counts it.
   */
  send(stanza: Element): void;
  /** Ends the stream with a stream error. */
  fail(error: StreamError): void;
  /** State of one feature on this stream, created on first use and dropped with the stream. */
  local<T>(owner: object, create: () => T): T;
  /** Negotiation steps for features that authenticate or bind (SASL, Bind, SASL2, Bind2). */
  proceedWithTls(): Promise<void>;
  authenticated(username: string): void;
  /** Creates the session for `resource`; an error the client is told, or undefined once bound. */
  bindResource(resource: string): Promise<StanzaError | undefined>;
  /** Attaches an existing session to this authenticated stream instead of binding (XEP-0198 resumption). */
  resume(session: BoundSession): void;
}

export interface StreamFeature {
  /** Unique among the features of a server, e.g. 'starttls', 'sasl', 'bind', 'sm'. */
  name: string;
  /** The `<stream:features/>` it is advertised in; none when it only answers elements. */
  offeredIn?: 'pre-auth' | 'post-auth';
  /** The element it advertises there, or undefined to offer nothing on this stream now. */
  advertise?(stream: FeatureStream): Element | undefined;
  /** The phase in which it answers top-level elements. Stanzas of a bound stream always go to the session. */
  handledIn?: StreamPhase;
  /** Whether it answers this top-level element. */
  handles?(element: Element): boolean;
  handle?(element: Element, stream: FeatureStream): Promise<void> | void;
}

/** The features of one server, in the order they are advertised and asked. */
export class StreamFeatures {
  private features: StreamFeature[] = [];

  add(feature: StreamFeature): () => void {
    if (this.features.some((existing) => existing.name === feature.name)) throw new Error(`a stream feature named ${feature.name} exists already`);
    if (feature.handledIn && (!feature.handles || !feature.handle)) throw new Error(`stream feature ${feature.name}: handledIn needs handles and handle`);
    if (feature.offeredIn && !feature.advertise) throw new Error(`stream feature ${feature.name}: offeredIn needs advertise`);
    this.features = [...this.features, feature];
    return () => {
      this.features = this.features.filter((existing) => existing !== feature);
    };
  }

  /** The elements to put in `<stream:features/>` for this stream now. */
  advertised(phase: 'pre-auth' | 'post-auth', stream: FeatureStream): Element[] {
    const out: Element[] = [];
    for (const feature of this.features) {
      if (feature.offeredIn !== phase) continue;
      const element = feature.advertise!(stream);
      if (element) out.push(element);
    }
    return out;
  }

  /** The feature that answers `element` in `phase`, if any. */
  handlerOf(phase: StreamPhase, element: Element): StreamFeature | undefined {
    return this.features.find((feature) => feature.handledIn === phase && feature.handles!(element));
  }

  names(): string[] {
    return this.features.map((feature) => feature.name);
  }
}
