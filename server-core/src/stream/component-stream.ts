import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Element } from 'ltx';
import type { Logger } from '../log';
import type { Connection } from '../transport';
import { NS, XmlStreamParser } from '../xml';
import type { ClientStreamOptions } from './client-stream';
import { StreamError, streamErrorElement } from './stream-errors';

/** XEP-0114 section 3: the handshake is the lowercase hex SHA-1 of the stream id followed by the secret. */
export function componentHandshake(streamId: string, secret: string): string {
  return createHash('sha1').update(streamId + secret, 'utf8').digest('hex');
}

/** What the component stream needs from the server. */
export interface ComponentStreamHost {
  readonly logger: Logger;
  readonly options: ClientStreamOptions;
  /** The shared secret of a configured component domain; undefined for a domain this server does not know. */
  secretOf(domain: string): string | undefined;
  /**
   * The handshake succeeded: the stream now serves its domain. A StreamError refuses it (another
   * connection holds the domain); the stream is closed with it.
   */
  connected(stream: ComponentStream): Promise<StreamError | undefined>;
  /** A stanza from the component, in order: the next waits for this promise. */
  stanza(stream: ComponentStream, stanza: Element): Promise<void> | void;
  /** The connection is gone (either side closed it, or it was lost); called once, also for streams that never connected. */
  closed(stream: ComponentStream): void;
  /** The server ends the stream with a stream error (a peer can provoke refusals at will: log them aggregated). */
  refused(stream: ComponentStream, error: StreamError, domain: string | undefined): void;
}

type Phase = 'header' | 'handshake' | 'connected' | 'closed';

const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

/**
 * One XEP-0114 `jabber:component:accept` stream: the header names the component's domain, the
 * component proves it knows the domain's secret with `<handshake/>`, then stanzas flow both ways.
 * The stream is parsed within the same byte, depth and attribute budget as client streams, and a
 * component that leaves too much output unread is cut off as a client would be.
 */
export class ComponentStream {
  readonly id = randomBytes(12).toString('hex');
  readonly openedAt = Date.now();
  /** When the handshake succeeded. */
  connectedAt: number | undefined;
  private readonly parser: XmlStreamParser;
  private phase: Phase = 'header';
  private headerSent = false;
  private claimed: string | undefined;
  private busy: Promise<void> = Promise.resolve();
  private gone = false;

  constructor(
    readonly connection: Connection,
    private readonly host: ComponentStreamHost,
  ) {
    this.parser = new XmlStreamParser('stream', host.options);
    this.parser.on('streamStart', (attrs) => this.onStreamStart(attrs));
    this.parser.on('stanza', (el) => this.enqueue(el));
    this.parser.on('streamEnd', () => this.afterQueued(() => this.close()));
    this.parser.on('fault', (condition, text) => this.close(new StreamError(condition, text)));
    connection.on('data', (text) => this.parser.write(text));
    connection.on('undecodable', () => this.close(new StreamError('not-well-formed', 'the stream is not valid UTF-8')));
    connection.on('close', () => this.onConnectionClosed());
  }

  /** The component's domain, once the handshake proved it. */
  get domain(): string | undefined {
    return this.connectedAt !== undefined ? this.claimed : undefined;
  }

  get isConnected(): boolean {
    return this.phase === 'connected';
  }

  /**
   * Writes a stanza to the component, qualified with the component namespace. The element keeps
   * its own namespace attribute afterwards: the same element may go to client streams too.
   */
  send(stanza: Element): void {
    if (this.phase !== 'connected') return;
    const own = stanza.attrs.xmlns;
    stanza.attrs.xmlns = NS.COMPONENT_ACCEPT;
    const text = stanza.toString();
    if (own === undefined) delete stanza.attrs.xmlns;
    else stanza.attrs.xmlns = own;
    this.write(text);
  }

  /** Whitespace keepalive (RFC 6120 4.6.1): a connection whose peer vanished fails on a write. */
  keepalive(): void {
    if (this.phase === 'connected') this.write(' ');
  }

  /** Ends the stream, with a stream error when given. */
  close(error?: StreamError): void {
    if (this.phase === 'closed') return;
    if (error) {
      if (!this.headerSent) this.writeHeader(this.claimed ?? '');
      this.write(streamErrorElement(error).toString());
      this.host.refused(this, error, this.claimed);
    }
    this.write('</stream:stream>');
    this.phase = 'closed';
    this.connection.close();
  }

  private write(text: string): void {
    this.connection.write(text);
    if (this.connection.pendingWriteBytes > this.host.options.maxPendingWriteBytes) {
      this.host.logger.warn({ stream: this.id, component: this.claimed }, 'component not reading; disconnecting');
      this.phase = 'closed';
      this.connection.destroy();
    }
  }

  private writeHeader(domain: string): void {
    this.headerSent = true;
    const from = domain ? ` from='${escapeAttr(domain)}'` : '';
    this.write(`<?xml version='1.0'?><stream:stream xmlns='${NS.COMPONENT_ACCEPT}' xmlns:stream='${NS.STREAM}' id='${this.id}'${from}>`);
  }

  private onStreamStart(attrs: Record<string, string>): void {
    if (this.phase !== 'header') return;
    const domain = (attrs.to ?? '').trim().toLowerCase();
    this.claimed = domain || undefined;
    this.writeHeader(domain);
    if (attrs['xmlns:stream'] !== NS.STREAM) return this.close(new StreamError('invalid-namespace', 'the stream namespace must be http://etherx.jabber.org/streams'));
    if (attrs.xmlns !== NS.COMPONENT_ACCEPT) return this.close(new StreamError('invalid-namespace', 'the content namespace must be jabber:component:accept'));
    if (!domain) return this.close(new StreamError('improper-addressing', 'the stream header must name the component domain in "to"'));
    if (this.host.secretOf(domain) === undefined) return this.close(new StreamError('host-unknown', `no component ${domain} is configured here`));
    this.phase = 'handshake';
  }

  /** Elements of one stream are handled strictly in order, even when a step is asynchronous. */
  private enqueue(el: Element): void {
    this.busy = this.busy
      .then(() => this.onElement(el))
      .catch((err) => {
        this.host.logger.error({ err, stream: this.id, component: this.claimed }, 'failed to handle a component element');
        this.close(new StreamError('internal-server-error'));
      });
  }

  private async onElement(el: Element): Promise<void> {
    if (this.phase === 'closed') return;
    if (this.phase === 'handshake') return this.onHandshake(el);
    if (this.phase !== 'connected') return this.close(new StreamError('not-well-formed', 'the stream has not been opened'));
    if (STANZA_NAMES.has(el.name) && (el.attrs.xmlns === undefined || el.attrs.xmlns === NS.COMPONENT_ACCEPT)) {
      delete el.attrs.xmlns;
      return this.host.stanza(this, el);
    }
    return this.close(new StreamError('unsupported-stanza-type', `<${el.name}/> is not a stanza this server accepts`));
  }

  private async onHandshake(el: Element): Promise<void> {
    const domain = this.claimed!;
    const secret = this.host.secretOf(domain);
    if (el.name !== 'handshake' || secret === undefined || !sameDigest(el.getText().trim().toLowerCase(), componentHandshake(this.id, secret))) {
      return this.close(new StreamError('not-authorized', el.name === 'handshake' ? 'wrong handshake' : 'send <handshake/> first'));
    }
    this.connectedAt = Date.now();
    const refusal = await this.host.connected(this);
    if (refusal) {
      this.connectedAt = undefined;
      return this.close(refusal);
    }
    if (this.phase !== 'handshake') return; // closed while the domain was being claimed
    // The acknowledgement goes out before any stanza for the component does.
    this.write(new Element('handshake').toString());
    this.phase = 'connected';
  }

  private onConnectionClosed(): void {
    if (this.gone) return;
    this.gone = true;
    // What the component sent before it hung up is still routed, then the domain is released.
    this.afterQueued(() => {
      this.phase = 'closed';
      this.host.closed(this);
    });
  }

  private afterQueued(step: () => void): void {
    this.busy = this.busy.then(step).catch((err) => this.host.logger.error({ err, stream: this.id }, 'failed to end the component stream'));
  }
}

function sameDigest(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
}
