import net from 'node:net';
import tls, { type SecureContext } from 'node:tls';
import { Element } from 'ltx';
import { NS } from '../../xml';
import { StreamError } from '../../stream';
import { SocketConnection } from '../../transport';
import { ServerStream, dialbackElement, type ServerStreamOptions } from './server-stream';
import type { DialbackKeys } from './dialback-key';
import type { AuthMethod } from './link-view';
import type { Target } from './resolve-targets';

export interface OutgoingOptions extends ServerStreamOptions {
  domain: string;
  remote: string;
  requireTls: boolean;
  dialback: boolean;
  keys: DialbackKeys;
  secureContext: SecureContext;
  /**
   * `link`: authenticate us to the remote domain (SASL EXTERNAL, else dialback) and carry stanzas.
   * `verify`: only encrypt, then ask the remote domain (authoritative) whether a key is theirs.
   */
  mode: 'link' | 'verify';
  /** The stream is usable: authenticated (`link`) or encrypted as required (`verify`). */
  onReady(stream: OutgoingStream, method: AuthMethod | undefined): void;
  /** Closed, before or after it was ready; `reason` says why when it never became ready. */
  onEnd(stream: OutgoingStream, reason: string | undefined): void;
}

type Phase = 'opening' | 'tls' | 'sasl' | 'dialback' | 'ready';

/** Dials the first target that answers: plain TCP (STARTTLS follows) or direct TLS (XEP-0368). */
export async function dial(targets: readonly Target[], remote: string, secureContext: SecureContext, timeoutMs: number): Promise<SocketConnection> {
  let last: Error = new Error(`no address for ${remote}`);
  for (const target of targets) {
    try {
      return await dialOne(target, remote, secureContext, timeoutMs);
    } catch (err) {
      last = err as Error;
    }
  }
  throw last;
}

function dialOne(target: Target, remote: string, secureContext: SecureContext, timeoutMs: number): Promise<SocketConnection> {
  return new Promise((resolve, reject) => {
    const socket = target.directTls
      ? tls.connect({ host: target.host, port: target.port, servername: remote, secureContext, ALPNProtocols: ['xmpp-server'], rejectUnauthorized: false })
      : net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => socket.destroy(new Error(`connecting to ${target.host}:${target.port} timed out`)), timeoutMs);
    const connected = () => {
      clearTimeout(timer);
      socket.off('error', failed);
      resolve(new SocketConnection(socket, target.directTls ? 'tls' : 'tcp', secureContext, { side: 'client', servername: remote }));
    };
    const failed = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once(target.directTls ? 'secureConnect' : 'connect', connected);
    socket.once('error', failed);
  });
}

/**
 * A stream we opened to a remote server (RFC 6120): we are the originating server. It
 * negotiates STARTTLS, authenticates us by SASL EXTERNAL when offered and by dialback
 * otherwise, then carries our stanzas one way.
 */
export class OutgoingStream extends ServerStream {
  private phase: Phase = 'opening';
  private streamId: string | undefined;
  private externalTried = false;
  private failure: string | undefined;
  private method: AuthMethod | undefined;
  private readonly verifying = new Map<string, (valid: boolean) => void>();

  constructor(
    connection: SocketConnection,
    private readonly out: OutgoingOptions,
  ) {
    super(connection, out);
    this.open();
  }

  get remote(): string {
    return this.out.remote;
  }

  get isReady(): boolean {
    return this.phase === 'ready' && !this.isEnded;
  }

  /** Asks the authoritative server (this stream's peer) whether `key` is its key for `streamId` (XEP-0220 2.1.2). */
  verify(streamId: string, key: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.verifying.set(streamId, resolve);
      this.writeElement(new Element('db:verify', { from: this.out.domain, to: this.out.remote, id: streamId }).t(key));
    });
  }

  private open(): void {
    this.writeHeader({ from: this.out.domain, to: this.out.remote });
  }

  private giveUp(reason: string, error?: StreamError): void {
    this.failure ??= reason;
    if (error) this.fail(error);
    else this.close();
  }

  protected onStreamStart(attrs: Record<string, string>): void {
    const problem = this.headerProblem(attrs);
    if (problem) return this.giveUp(problem.text ?? problem.condition, problem);
    this.streamId = attrs.id;
    // An RFC 3920 peer sends no features: dialback right away.
    if (attrs.version !== '1.0') this.authenticate(undefined);
  }

  protected onElement(element: Element): void {
    const xmlns = element.attrs.xmlns as string | undefined;
    if (element.name === 'stream:features') return this.onFeatures(element);
    if (element.name === 'stream:error') return this.onStreamError(element);
    if (element.name === 'proceed' && xmlns === NS.TLS && this.phase === 'tls') return void this.upgrade();
    if (element.name === 'failure' && xmlns === NS.TLS) return this.giveUp('the remote server refused STARTTLS');
    if (element.name === 'success' && xmlns === NS.SASL && this.phase === 'sasl') {
      this.method = 'sasl-external';
      this.parser.reset();
      return this.open();
    }
    if (element.name === 'failure' && xmlns === NS.SASL && this.phase === 'sasl') {
      if (this.out.dialback) return this.startDialback();
      return this.giveUp('the remote server refused our certificate (SASL EXTERNAL) and dialback is off');
    }
    const dialback = dialbackElement(element);
    if (dialback === 'result') return this.onResult(element);
    if (dialback === 'verify') return this.onVerified(element);
    // Unidirectional stream: whatever else the peer sends here has no meaning.
    this.out.logger.debug({ remote: this.out.remote, element: element.name }, 'ignored an element on an outgoing stream');
  }

  private onFeatures(features: Element): void {
    if (this.method) return this.ready(this.method);
    const secure = this.connection.secure;
    if (!secure && features.getChild('starttls', NS.TLS) && this.connection.canStartTls) {
      this.phase = 'tls';
      this.write(`<starttls xmlns='${NS.TLS}'/>`);
      return;
    }
    if (!secure && this.out.requireTls) return this.giveUp(`${this.out.remote} does not offer TLS`, new StreamError('policy-violation', 'this server requires TLS'));
    if (this.out.mode === 'verify') return this.ready(undefined);
    this.authenticate(features);
  }

  private authenticate(features: Element | undefined): void {
    const mechanisms = features?.getChild('mechanisms', NS.SASL);
    const external = mechanisms?.getChildren('mechanism').some((m) => m.getText().trim() === 'EXTERNAL');
    if (external && this.connection.secure && !this.externalTried) {
      this.externalTried = true;
      this.phase = 'sasl';
      this.write(`<auth xmlns='${NS.SASL}' mechanism='EXTERNAL'>${Buffer.from(this.out.domain).toString('base64')}</auth>`);
      return;
    }
    if (!this.out.dialback) return this.giveUp(`${this.out.remote} accepts no certificate of ours and dialback is off`);
    this.startDialback();
  }

  private startDialback(): void {
    if (!this.streamId) return this.giveUp(`${this.out.remote} gave no stream id for dialback`, new StreamError('invalid-xml', 'the stream header has no id'));
    this.phase = 'dialback';
    const key = this.out.keys.make(this.out.remote, this.out.domain, this.streamId);
    this.writeElement(new Element('db:result', { from: this.out.domain, to: this.out.remote }).t(key));
  }

  private async upgrade(): Promise<void> {
    try {
      await this.startTls();
    } catch (err) {
      return this.giveUp(`TLS with ${this.out.remote} failed: ${(err as Error).message}`);
    }
    this.phase = 'opening';
    this.open();
  }

  private onResult(result: Element): void {
    if (this.phase !== 'dialback') return;
    if (result.attrs.type === 'valid') {
      this.method = 'dialback';
      return this.ready('dialback');
    }
    this.giveUp(result.attrs.type === 'invalid' ? `${this.out.remote} refused our dialback key` : `${this.out.remote} could not check our dialback key`);
  }

  private onVerified(answer: Element): void {
    const resolve = this.verifying.get(String(answer.attrs.id));
    if (!resolve) return;
    this.verifying.delete(String(answer.attrs.id));
    resolve(answer.attrs.type === 'valid' && answer.attrs.from === this.out.remote);
  }

  private onStreamError(error: Element): void {
    const condition = error.children.find((child): child is Element => child instanceof Element && child.name !== 'text')?.name ?? 'undefined-condition';
    this.failure ??= `${this.out.remote} closed the stream: ${condition}`;
    this.close();
  }

  private ready(method: AuthMethod | undefined): void {
    this.phase = 'ready';
    this.out.onReady(this, method);
  }

  protected onClosed(): void {
    for (const resolve of this.verifying.values()) resolve(false);
    this.verifying.clear();
    this.out.onEnd(this, this.phase === 'ready' ? undefined : (this.failure ?? `${this.out.remote} closed the connection`));
  }
}
