import { Element } from 'ltx';
import { NS, tryParseJid, type Jid } from '../../xml';
import { StreamError } from '../../stream';
import type { SocketConnection, PeerCertificateStatus } from '../../transport';
import { ServerStream, STANZA_NAMES, dialbackElement, newStreamId, type ServerStreamOptions } from './server-stream';
import type { AuthMethod } from './link-view';

/** What an incoming stream asks of the federation module. */
export interface IncomingHost {
  readonly domain: string;
  readonly requireTls: boolean;
  readonly dialback: boolean;
  /** This server's domain or one of its components'. */
  serves(domain: string): boolean;
  /** The authoritative check of a dialback key our peer gave (XEP-0220 2.1.2): asks `originating` itself. */
  verifyDialback(originating: string, receiving: string, streamId: string, key: string): Promise<'valid' | 'invalid' | 'unreachable'>;
  /** Answers a db:verify as the authoritative server: did we make this key? */
  isOurKey(receiving: string, originating: string, streamId: string, key: string): boolean;
  /** Whether the peer's certificate proves it is `domain` (SASL EXTERNAL). */
  certificateProves(status: PeerCertificateStatus | undefined, domain: string): boolean;
  /** How long a stream may stay without an authenticated domain. */
  readonly authTimeoutMs: number;
  /** False when the domain sends faster than its rate allows. */
  admit(domain: string): boolean;
  authenticated(stream: IncomingStream, domain: string, method: AuthMethod): void;
  closed(stream: IncomingStream): void;
  route(stanza: Element, from: Jid): Promise<void>;
}


/** Domains one stream may ask to authenticate (each dialback request makes us dial out). */
const MAX_DOMAINS_PER_STREAM = 10;

/**
 * A stream a remote server opened to us (RFC 6120): we are the receiving server. It may
 * authenticate several of the peer's domains (dialback multiplexing), each by SASL EXTERNAL or
 * dialback, and stanzas must come from one of them, to us. It also answers db:verify for keys we
 * made (the authoritative role), before or after authentication.
 */
export class IncomingStream extends ServerStream {
  readonly id = newStreamId();
  private headerSent = false;
  private peerDomain: string | undefined;
  private toDomain: string | undefined;
  private readonly domains = new Map<string, AuthMethod>();
  private readonly asked = new Set<string>();
  /** Stanzas are handled in the order the peer sent them, one after another (as on client streams). */
  private handled: Promise<void> = Promise.resolve();
  private readonly authTimer: NodeJS.Timeout;

  constructor(
    connection: SocketConnection,
    private readonly host: IncomingHost,
    options: ServerStreamOptions,
  ) {
    super(connection, options);
    // A peer that connects and never authenticates holds a socket for nothing.
    this.authTimer = setTimeout(() => {
      if (this.domains.size === 0) this.fail(new StreamError('connection-timeout', 'no domain authenticated in time'));
    }, host.authTimeoutMs).unref();
  }

  /** The domains authenticated on this stream and how. */
  get authenticatedDomains(): ReadonlyMap<string, AuthMethod> {
    return this.domains;
  }

  /** The domain of ours the peer opened the stream to (its header's `to`). */
  get localDomain(): string | undefined {
    return this.toDomain;
  }

  override fail(error: StreamError): void {
    // A stream error needs our header first (RFC 6120 4.9.1.2).
    if (!this.headerSent && !this.isEnded) this.sendHeader(undefined);
    super.fail(error);
  }

  protected onStreamStart(attrs: Record<string, string>): void {
    const to = attrs.to?.toLowerCase();
    if (to && this.host.serves(to)) this.toDomain = to;
    this.sendHeader(attrs.from);
    const problem = this.headerProblem(attrs);
    if (problem) return this.fail(problem);
    if (attrs.to !== undefined && !this.host.serves(attrs.to.toLowerCase())) return this.fail(new StreamError('host-unknown', `this server does not serve ${attrs.to}`));
    if (attrs.from) this.peerDomain = attrs.from.toLowerCase();
    if (attrs.version !== '1.0') return; // RFC 3920 peers: no features, dialback straight away
    this.writeElement(this.features());
  }

  private sendHeader(to: string | undefined): void {
    this.headerSent = true;
    this.writeHeader({ id: this.id, from: this.toDomain ?? this.host.domain, to });
  }

  private features(): Element {
    const features = new Element('stream:features');
    const secure = this.connection.secure;
    if (!secure && this.connection.canStartTls) {
      const starttls = features.c('starttls', { xmlns: NS.TLS });
      if (this.host.requireTls) starttls.c('required');
    }
    if (secure || !this.host.requireTls) {
      if (secure && this.domains.size === 0 && this.peerDomain && this.host.certificateProves(this.connection.peerCertificate, this.peerDomain)) {
        features.c('mechanisms', { xmlns: NS.SASL }).c('mechanism').t('EXTERNAL');
      }
      if (this.host.dialback) features.c('dialback', { xmlns: NS.DIALBACK_FEATURE }).c('errors');
    }
    return features;
  }

  protected async onElement(element: Element): Promise<void> {
    const xmlns = element.attrs.xmlns as string | undefined;
    if (element.name === 'starttls' && xmlns === NS.TLS) return this.onStartTls();
    if (element.name === 'auth' && xmlns === NS.SASL) return this.onSaslExternal(element);
    const dialback = dialbackElement(element);
    if (dialback === 'verify') return this.onVerify(element);
    if (dialback === 'result') return this.onResult(element);
    if (STANZA_NAMES.has(element.name) && (xmlns === undefined || xmlns === NS.SERVER)) return this.onStanza(element);
    this.fail(new StreamError('unsupported-stanza-type', `<${element.name}/> is not understood here`));
  }

  private async onStartTls(): Promise<void> {
    if (!this.connection.canStartTls) return this.fail(new StreamError('policy-violation', 'TLS is already on'));
    this.write(`<proceed xmlns='${NS.TLS}'/>`);
    await this.startTls().catch(() => this.connection.destroy());
  }

  /** SASL EXTERNAL (RFC 6120 6, XEP-0178): the certificate names the peer's domain. */
  private onSaslExternal(auth: Element): void {
    const failure = (condition: string) => this.writeElement(new Element('failure', { xmlns: NS.SASL }).c(condition).up());
    if (auth.attrs.mechanism !== 'EXTERNAL' || !this.connection.secure) return failure('invalid-mechanism');
    const text = auth.getText().trim();
    const authzid = text === '' || text === '=' ? this.peerDomain : Buffer.from(text, 'base64').toString('utf8').toLowerCase();
    if (!authzid || authzid !== this.peerDomain || !this.host.certificateProves(this.connection.peerCertificate, authzid)) return failure('not-authorized');
    this.write(`<success xmlns='${NS.SASL}'/>`);
    this.domains.set(authzid, 'sasl-external');
    this.host.authenticated(this, authzid, 'sasl-external');
    // The stream restarts after SASL success (RFC 6120 6.4.6).
    this.parser.reset();
  }

  /** We are the authoritative server: was this key made by us for this stream id? */
  private onVerify(verify: Element): void {
    const { from, to, id } = verify.attrs as Record<string, string | undefined>;
    if (!from || !to || !id) return this.fail(new StreamError('improper-addressing', 'db:verify needs from, to and id'));
    if (!this.host.serves(to.toLowerCase())) return this.fail(new StreamError('host-unknown', `this server does not serve ${to}`));
    const valid = this.host.isOurKey(from.toLowerCase(), to.toLowerCase(), id, verify.getText());
    this.writeElement(new Element('db:verify', { from: to, to: from, id, type: valid ? 'valid' : 'invalid' }));
  }

  /** The peer asks to be accepted as `from` by dialback: check the key with `from`'s authoritative server. */
  private async onResult(result: Element): Promise<void> {
    const from = (result.attrs.from as string | undefined)?.toLowerCase();
    const to = (result.attrs.to as string | undefined)?.toLowerCase();
    if (!from || !to) return this.fail(new StreamError('improper-addressing', 'db:result needs from and to'));
    if (!this.host.serves(to)) return this.fail(new StreamError('host-unknown', `this server does not serve ${to}`));
    if (!this.host.dialback) return this.fail(new StreamError('not-authorized', 'dialback is not accepted here'));
    if (this.host.requireTls && !this.connection.secure) return this.fail(new StreamError('policy-violation', 'encrypt the stream (STARTTLS) before dialback'));
    if (this.domains.has(from)) return this.answerResult(from, to, 'valid');
    if (this.host.serves(from)) return this.fail(new StreamError('invalid-from', `${from} is this server's own domain`));
    this.asked.add(from);
    if (this.asked.size > MAX_DOMAINS_PER_STREAM) return this.fail(new StreamError('policy-violation', `more than ${MAX_DOMAINS_PER_STREAM} domains on one stream`));
    const verdict = await this.host.verifyDialback(from, to, this.id, result.getText());
    if (this.isEnded) return;
    if (verdict === 'valid') {
      this.domains.set(from, 'dialback');
      this.host.authenticated(this, from, 'dialback');
    }
    this.answerResult(from, to, verdict);
  }

  private answerResult(from: string, to: string, verdict: 'valid' | 'invalid' | 'unreachable'): void {
    if (verdict !== 'unreachable') return this.writeElement(new Element('db:result', { from: to, to: from, type: verdict }));
    // XEP-0220 2.4: the authoritative server could not be asked.
    const answer = new Element('db:result', { from: to, to: from, type: 'error' });
    answer.c('error', { type: 'cancel' }).c('remote-server-not-found', { xmlns: NS.STANZA_ERRORS });
    this.writeElement(answer);
  }

  /** RFC 6120 8.1.1.2, 13.9.x: addresses a peer may use on this stream. */
  private onStanza(stanza: Element): void {
    if (this.domains.size === 0) return this.fail(new StreamError('not-authorized', 'authenticate (SASL EXTERNAL or dialback) before sending stanzas'));
    const from = tryParseJid(stanza.attrs.from as string | undefined);
    const to = tryParseJid(stanza.attrs.to as string | undefined);
    if (!stanza.attrs.from || !stanza.attrs.to) return this.fail(new StreamError('improper-addressing', 'stanzas between servers need from and to'));
    if (!from || !this.domains.has(from.domain)) return this.fail(new StreamError('invalid-from', `${String(stanza.attrs.from)} is not at a domain authenticated on this stream`));
    if (!to || !this.host.serves(to.domain)) return this.fail(new StreamError('host-unknown', `this server does not serve ${String(stanza.attrs.to)}`));
    if (!this.host.admit(from.domain)) return this.fail(new StreamError('policy-violation', `${from.domain} sends faster than allowed`));
    delete stanza.attrs.xmlns; // jabber:server here; local streams qualify it as their own
    stanza.attrs.from = from.full;
    this.handled = this.handled.then(() => this.host.route(stanza, from));
  }

  protected onClosed(): void {
    clearTimeout(this.authTimer);
    this.host.closed(this);
  }
}
