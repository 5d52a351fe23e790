import { randomBytes } from 'node:crypto';
import { Element } from 'ltx';
import { NS, XmlStreamParser, type XmlLimits } from '../../xml';
import { StreamError, streamErrorElement } from '../../stream';
import { escapeAttr } from '../../stream/stream-framing';
import type { SocketConnection } from '../../transport';
import type { Logger } from '../../log';

export interface ServerStreamOptions {
  limits: XmlLimits;
  idleTimeoutMs: number;
  logger: Logger;
}

export const STANZA_NAMES = new Set(['message', 'presence', 'iq']);

/** `result` or `verify` for a dialback element, prefixed (`db:`) as usual or in the default namespace. */
export function dialbackElement(element: Element): 'result' | 'verify' | undefined {
  const [prefix, local] = element.name.includes(':') ? element.name.split(':', 2) : [undefined, element.name];
  const ns = prefix ? element.attrs[`xmlns:${prefix}`] : element.attrs.xmlns;
  if (ns !== NS.DIALBACK) return undefined;
  return local === 'result' || local === 'verify' ? local : undefined;
}

/** A stream id peers cannot guess: dialback keys are bound to it. */
export function newStreamId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * What incoming and outgoing server-to-server streams share: framing with the `jabber:server`
 * content namespace and the dialback prefix, the byte budget of the parser, stream errors,
 * STARTTLS restarts and the idle timeout that closes a link nobody uses.
 */
export abstract class ServerStream {
  protected readonly parser: XmlStreamParser;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;
  readonly since = new Date();

  constructor(
    readonly connection: SocketConnection,
    protected readonly options: ServerStreamOptions,
  ) {
    this.parser = new XmlStreamParser('stream', options.limits);
    this.parser.on('streamStart', (attrs) => this.guard(() => this.onStreamStart(attrs)));
    this.parser.on('stanza', (element) => this.guard(() => this.onElement(element)));
    this.parser.on('streamEnd', () => this.close());
    this.parser.on('fault', (condition, text) => this.fail(new StreamError(condition, text)));
    connection.on('data', (text) => {
      this.touch();
      this.parser.write(text);
    });
    connection.on('undecodable', () => this.fail(new StreamError('not-well-formed', 'the stream is not UTF-8')));
    connection.on('close', () => this.finish());
    this.touch();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  protected abstract onStreamStart(attrs: Record<string, string>): void | Promise<void>;
  protected abstract onElement(element: Element): void | Promise<void>;
  /** Called once, when the connection is gone, whoever closed it. */
  protected abstract onClosed(): void;

  protected writeHeader(attrs: { id?: string; from: string; to?: string }): void {
    const extra = [attrs.id ? ` id='${escapeAttr(attrs.id)}'` : '', ` from='${escapeAttr(attrs.from)}'`, attrs.to ? ` to='${escapeAttr(attrs.to)}'` : ''].join('');
    this.write(`<?xml version='1.0'?><stream:stream xmlns='${NS.SERVER}' xmlns:db='${NS.DIALBACK}' xmlns:stream='${NS.STREAM}'${extra} version='1.0' xml:lang='en'>`);
  }

  /** Whether a received header is a server-to-server stream; the error to close with if not. */
  protected headerProblem(attrs: Record<string, string>): StreamError | undefined {
    if (attrs['xmlns:stream'] !== NS.STREAM) return new StreamError('invalid-namespace', `the stream namespace must be ${NS.STREAM}`);
    if (attrs.xmlns !== NS.SERVER) return new StreamError('invalid-namespace', `the content namespace must be ${NS.SERVER}`);
    return undefined;
  }

  protected write(text: string): void {
    if (this.ended) return;
    this.touch();
    this.connection.write(text);
  }

  /** Writes a stanza in the `jabber:server` namespace the stream declares, whatever namespace a client stream gave it. */
  sendStanza(stanza: Element): void {
    if (!STANZA_NAMES.has(stanza.name) || (stanza.attrs.xmlns !== NS.CLIENT && stanza.attrs.xmlns !== NS.SERVER)) return this.write(stanza.toString());
    const { xmlns: _dropped, ...attrs } = stanza.attrs;
    const copy = new Element(stanza.name, attrs);
    copy.children = stanza.children;
    this.write(copy.toString());
  }

  protected writeElement(element: Element): void {
    this.write(element.toString());
  }

  async startTls(): Promise<void> {
    await this.connection.startTls();
    // The stream starts over on the encrypted layer.
    this.parser.reset();
  }

  /** Sends a stream error and closes (RFC 6120 4.9). */
  fail(error: StreamError): void {
    if (this.ended) return;
    this.options.logger.info({ condition: error.condition, text: error.text, address: this.connection.remoteAddress }, 'server-to-server stream error');
    this.writeErrorAndClose(error);
  }

  protected writeErrorAndClose(error: StreamError): void {
    this.write(streamErrorElement(error).toString());
    this.close();
  }

  /** Closes the stream gracefully (closing tag, then the socket once written). */
  close(): void {
    if (this.ended) return;
    this.write('</stream:stream>');
    this.ended = true;
    this.connection.close();
    this.stopIdleTimer();
  }

  private finish(): void {
    this.ended = true;
    this.stopIdleTimer();
    this.onClosed();
  }

  private touch(): void {
    if (this.ended) return;
    this.idleTimer?.refresh();
    this.idleTimer ??= setTimeout(() => {
      this.options.logger.debug({ address: this.connection.remoteAddress }, 'idle server-to-server stream closed');
      this.close();
    }, this.options.idleTimeoutMs).unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** An exception in a handler is a bug here, not the peer's fault: the stream ends with internal-server-error. */
  private guard(run: () => void | Promise<void>): void {
    const fault = (err: unknown) => {
      if (err instanceof StreamError) return this.fail(err);
      this.options.logger.error({ err }, 'server-to-server stream handling failed');
      this.fail(new StreamError('internal-server-error'));
    };
    try {
      const result = run();
      if (result) result.catch(fault);
    } catch (err) {
      fault(err);
    }
  }
}
