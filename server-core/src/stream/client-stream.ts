import { randomBytes } from 'node:crypto';
import { Element } from 'ltx';
import type { Logger } from '../log';
import type { Connection } from '../transport';
import { NS, XmlStreamParser, StanzaError, errorReply, type XmlLimits } from '../xml';
import { StreamError, streamErrorElement, type StreamErrorCondition } from './stream-errors';
import { tcpFraming, websocketFraming, type StreamFraming } from './stream-framing';
import type { FeatureStream, StreamFeatures, StreamPhase } from './stream-features';

export interface ClientStreamOptions extends XmlLimits {
  /** A peer that leaves this much unread output is cut off. */
  maxPendingWriteBytes: number;
}

/**
 * How a stream ended: the client closed it (`</stream:stream>`), the server closed it with a
 * stream error (`condition`), or the connection was lost without either (a dropped TCP
 * connection, a client that stopped reading). Stream management keeps a session after a loss.
 */
export type StreamEndCause = { kind: 'client-closed' } | { kind: 'server-closed'; condition: StreamErrorCondition | undefined } | { kind: 'lost' };

/** What a bound stream hands its stanzas to. */
export interface BoundSession {
  /** Stanzas of one stream are handled one after the other: the next waits for this promise. */
  handle(stanza: Element): Promise<void> | void;
  /** The connection of `stream` is gone (closed by either side, or lost). */
  closed(cause: StreamEndCause, stream: ClientStream): void;
  /** A new stream resumed this session (XEP-0198); stanzas for the client go to it from now on. */
  reattach(stream: ClientStream): void;
  /** Writes a stanza a stream feature sends once bound, through the session's output stages (so stream management counts it). */
  sendFromFeature(stanza: Element): void;
}

/** What the stream layer needs from the server. */
export interface StreamHost {
  readonly domain: string;
  readonly options: ClientStreamOptions;
  /** What the stream offers and answers before and after authentication (STARTTLS, SASL, bind, ...). */
  readonly features: StreamFeatures;
  readonly logger: Logger;
  /** Creates the session for a bound resource; resolves to an error the client is told. */
  bindSession(stream: ClientStream, username: string, resource: string): Promise<BoundSession | StanzaError>;
  /** SASL succeeded on this stream. */
  streamAuthenticated(stream: ClientStream): void;
  streamClosed(stream: ClientStream): void;
}

type Phase = 'header' | 'negotiating' | 'authenticated' | 'bound' | 'closed';

const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

/** The phase features see: negotiating is before authentication, authenticated is before bind. */
const FEATURE_PHASE: Record<Phase, StreamPhase | undefined> = { header: undefined, negotiating: 'pre-auth', authenticated: 'post-auth', bound: 'bound', closed: undefined };

/**
 * One client-to-server stream from the first byte to the last: stream header, the stream
 * features (STARTTLS, SASL, resource binding of RFC 6120 sections 4-7, and those modules and
 * plugins add), then stanzas to the bound session.
 */
export class ClientStream {
  readonly id = randomBytes(8).toString('hex');
  private readonly parser: XmlStreamParser;
  private readonly framing: StreamFraming;
  /** What the features see of this stream. */
  private readonly view: FeatureStream;
  private readonly locals = new Map<object, unknown>();
  private phase: Phase = 'header';
  private username: string | undefined;
  private session: BoundSession | undefined;
  private busy: Promise<void> = Promise.resolve();
  private connectionGone = false;
  /** Set when this side ends the stream; a connection that closes without it was lost. */
  private endCause: StreamEndCause | undefined;
  /** Whether our header of the current stream (it restarts after TLS and SASL) went out. */
  private headerSent = false;
  readonly openedAt = Date.now();
  lastReceivedAt = Date.now();
  lastSentAt = Date.now();

  constructor(
    readonly connection: Connection,
    private readonly host: StreamHost,
  ) {
    this.framing = connection.framing === 'frames' ? websocketFraming : tcpFraming;
    this.parser = new XmlStreamParser(connection.framing, host.options);
    this.view = this.featureView();
    this.parser.on('streamStart', (attrs) => this.onStreamStart(attrs));
    this.parser.on('stanza', (el) => this.enqueue(el));
    // The client's close comes after what it sent before it: those stanzas are handled first.
    this.parser.on('streamEnd', () => this.afterQueued(() => this.closeByClient()));
    this.parser.on('fault', (condition, text) => this.fail(new StreamError(condition, text)));
    connection.on('data', (text) => {
      this.lastReceivedAt = Date.now();
      this.parser.write(text);
      if (connection.framing === 'frames') this.parser.endFrame();
    });
    connection.on('undecodable', () => this.fail(new StreamError('not-well-formed', 'the stream is not valid UTF-8')));
    connection.on('close', () => this.onConnectionClosed());
  }

  get authenticatedUser(): string | undefined {
    return this.username;
  }

  get isOpen(): boolean {
    return this.phase !== 'closed';
  }

  get isBound(): boolean {
    return this.phase === 'bound';
  }

  /** Writes a stanza to the client; top-level stanzas are qualified so WebSocket frames stand alone. */
  send(stanza: Element): void {
    if (this.phase === 'closed') return;
    if (STANZA_NAMES.has(stanza.name) && !stanza.attrs.xmlns) stanza.attrs.xmlns = NS.CLIENT;
    this.write(stanza.toString());
  }

  /**
   * Resolves true once everything sent so far has left this process (written to the socket),
   * false when the stream closed first and some of it may never have gone out.
   */
  flushed(): Promise<boolean> {
    return this.phase === 'closed' ? Promise.resolve(false) : this.connection.flushed();
  }

  /** Whitespace keepalive (RFC 6120 4.6.1); not used over WebSocket, which has its own pings. */
  keepalive(): void {
    if (this.connection.framing === 'stream') this.write(' ');
  }

  /**
   * Resolves once every element received so far was handled (the chain of handlers is idle),
   * so stream management reports an exact count when another stream resumes the session.
   */
  settled(): Promise<void> {
    return this.busy;
  }

  /** Ends the stream, with a stream error when given. */
  close(error?: StreamError): void {
    if (this.phase === 'closed') return;
    this.endCause ??= { kind: 'server-closed', condition: error?.condition };
    if (error) {
      if (!this.headerSent) this.writeHeader();
      this.write(this.framing.features(streamErrorElement(error)));
      this.host.logger.debug({ stream: this.id, condition: error.condition, text: error.text }, 'stream error');
    }
    this.write(this.framing.footer());
    this.phase = 'closed';
    this.connection.close();
  }

  private fail(error: StreamError): void {
    this.close(error);
  }

  private closeByClient(): void {
    this.endCause ??= { kind: 'client-closed' };
    this.close();
  }

  private write(text: string): void {
    this.lastSentAt = Date.now();
    this.connection.write(text);
    if (this.connection.pendingWriteBytes > this.host.options.maxPendingWriteBytes) {
      this.host.logger.warn({ stream: this.id }, 'client not reading; disconnecting');
      this.endCause ??= { kind: 'lost' };
      this.phase = 'closed';
      this.connection.destroy();
    }
  }

  private writeHeader(): void {
    this.headerSent = true;
    this.write(this.framing.header(this.id, this.host.domain));
  }

  private sendElement(el: Element): void {
    this.write(el.toString());
  }

  private onStreamStart(attrs: Record<string, string>): void {
    if (this.phase !== 'header' && this.phase !== 'negotiating' && this.phase !== 'authenticated') return;
    this.writeHeader();
    const problem = this.checkHeader(attrs);
    if (problem) return this.fail(problem);
    this.phase = this.username ? 'authenticated' : 'negotiating';
    this.write(this.framing.features(this.features()));
  }

  private checkHeader(attrs: Record<string, string>): StreamError | undefined {
    const framed = this.connection.framing === 'frames';
    if (!framed && attrs['xmlns:stream'] !== NS.STREAM) return new StreamError('invalid-namespace', 'the stream namespace must be http://etherx.jabber.org/streams');
    if (!framed && attrs.xmlns !== NS.CLIENT) return new StreamError('invalid-namespace', 'the content namespace must be jabber:client');
    if (framed && attrs.xmlns !== NS.FRAMING) return new StreamError('invalid-namespace', 'the framing namespace must be urn:ietf:params:xml:ns:xmpp-framing');
    if (attrs.version !== '1.0') return new StreamError('unsupported-version', 'only XMPP 1.0 is supported');
    if ((attrs.to ?? '').toLowerCase() !== this.host.domain) return new StreamError('host-unknown', `this server serves ${this.host.domain}`);
    return undefined;
  }

  private features(): Element {
    const features = new Element('stream:features');
    for (const element of this.host.features.advertised(this.username ? 'post-auth' : 'pre-auth', this.view)) features.cnode(element);
    return features;
  }

  private featureView(): FeatureStream {
    const stream = this;
    return {
      id: this.id,
      domain: this.host.domain,
      get phase() {
        return FEATURE_PHASE[stream.phase] ?? 'pre-auth';
      },
      get secure() {
        return stream.connection.secure;
      },
      get canStartTls() {
        return stream.connection.canStartTls;
      },
      remoteAddress: this.connection.remoteAddress,
      get username() {
        return stream.username;
      },
      get session() {
        return stream.session;
      },
      write: (element) => this.sendElement(element),
      send: (stanza) => (this.phase === 'bound' && this.session ? this.session.sendFromFeature(stanza) : this.send(stanza)),
      fail: (error) => this.fail(error),
      local: <T>(owner: object, create: () => T): T => {
        if (!this.locals.has(owner)) this.locals.set(owner, create());
        return this.locals.get(owner) as T;
      },
      proceedWithTls: () => this.startTls(),
      authenticated: (username) => this.authenticated(username),
      bindResource: (resource) => this.bindResource(resource),
      resume: (session) => this.resume(session),
    };
  }

  /** Stanzas of one stream are handled strictly in order, even when a step is asynchronous. */
  private enqueue(el: Element): void {
    this.busy = this.busy.then(() => this.onElement(el)).catch((err) => {
      this.host.logger.error({ err, stream: this.id }, 'failed to handle element');
      this.fail(new StreamError('internal-server-error'));
    });
  }

  private async onElement(el: Element): Promise<void> {
    if (this.phase === 'closed') return;
    if (this.connection.framing === 'frames') {
      if (el.name === 'open') return this.onStreamStart(el.attrs as Record<string, string>);
      if (el.name === 'close') return this.closeByClient();
    }
    if (this.phase === 'bound') return this.onStanza(el);
    if (this.phase === 'header') return this.fail(new StreamError('not-well-formed', 'the stream has not been opened'));
    const phase = this.phase === 'negotiating' ? 'pre-auth' : 'post-auth';
    const feature = this.host.features.handlerOf(phase, el);
    if (feature) return feature.handle!(el, this.view);
    if (phase === 'pre-auth') return this.fail(new StreamError('not-authorized', 'authenticate before sending stanzas'));
    if (el.name === 'iq' && el.attrs.type === 'get') {
      return this.sendElement(errorReply(el, new StanzaError('not-allowed', 'bind a resource first'), this.host.domain));
    }
    return this.fail(new StreamError('not-authorized', 'bind a resource before sending stanzas'));
  }

  /** Stanzas go to the session; the other top-level elements (nonzas) to the feature that answers them. */
  private async onStanza(el: Element): Promise<void> {
    if (STANZA_NAMES.has(el.name) && (!el.attrs.xmlns || el.attrs.xmlns === NS.CLIENT)) return this.session!.handle(el);
    const feature = this.host.features.handlerOf('bound', el);
    if (feature) return feature.handle!(el, this.view);
    return this.fail(new StreamError('unsupported-stanza-type', `<${el.name}/> is not a stanza this server accepts`));
  }

  private authenticated(username: string): void {
    this.username = username;
    this.phase = 'authenticated';
    this.host.streamAuthenticated(this);
    this.restart();
  }

  private async startTls(): Promise<void> {
    this.write(`<proceed xmlns='${NS.TLS}'/>`);
    this.restart();
    try {
      await this.connection.startTls();
    } catch (err) {
      this.host.logger.debug({ err, stream: this.id }, 'TLS handshake failed');
      this.phase = 'closed';
      this.connection.destroy();
    }
  }

  /** RFC 6120 4.3.3: after TLS and SASL both sides start a new stream over the same connection. */
  private restart(): void {
    this.parser.reset();
    this.headerSent = false;
    if (this.phase !== 'authenticated') this.phase = 'header';
  }

  private async bindResource(resource: string): Promise<StanzaError | undefined> {
    const result = await this.host.bindSession(this, this.username!, resource);
    if (result instanceof StanzaError) return result;
    this.session = result;
    this.phase = 'bound';
    return undefined;
  }

  /** XEP-0198 resumption: this authenticated stream takes over an existing session instead of binding a new one. */
  private resume(session: BoundSession): void {
    this.session = session;
    this.phase = 'bound';
    session.reattach(this);
  }

  /**
   * The connection is gone, but the stanzas it delivered before are still handled, in order
   * (a message sent just before the client hung up is not lost, and stream management counts
   * it); then the session hears how the stream ended. What the server itself refused by closing
   * the stream (phase already closed) is dropped.
   */
  private onConnectionClosed(): void {
    if (this.connectionGone) return;
    this.connectionGone = true;
    this.afterQueued(() => {
      this.phase = 'closed';
      this.session?.closed(this.endCause ?? { kind: 'lost' }, this);
      this.host.streamClosed(this);
    });
  }

  private afterQueued(step: () => void): void {
    this.busy = this.busy.then(step).catch((err) => this.host.logger.error({ err, stream: this.id }, 'failed to end the stream'));
  }
}
