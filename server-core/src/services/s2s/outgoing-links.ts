import type { SecureContext } from 'node:tls';
import type { Element } from 'ltx';
import { StanzaError, type Jid } from '../../xml';
import type { Logger } from '../../log';
import type { XmlLimits } from '../../xml';
import type { S2sConfig } from './config';
import type { DialbackKeys } from './dialback-key';
import type { AuthMethod } from './link-view';
import { OutgoingStream, dial } from './outgoing-stream';
import { resolveTargets } from './resolve-targets';

export interface OutgoingLinksDeps {
  config: () => S2sConfig;
  keys: () => DialbackKeys;
  secureContext: () => SecureContext;
  limits: () => XmlLimits;
  logger: Logger;
  /** Sends the error for a stanza that could not go out back to its sender. */
  bounce(stanza: Element, error: StanzaError): void;
  /** A link was authenticated or closed (metrics, admin). */
  changed(): void;
}

interface Link {
  /** Ours: the server's domain or a component's; the link authenticates it to the remote domain. */
  readonly local: string;
  readonly domain: string;
  stream: OutgoingStream | undefined;
  readonly queue: Element[];
  timer: NodeJS.Timeout | undefined;
  /** Until when (ms since the epoch) a failed dial is tried again, and how many tries were made. */
  retryUntil: number;
  attempts: number;
  /** When the link was authenticated. */
  since?: Date;
  method?: AuthMethod;
}

const keyOf = (local: string, remote: string) => `${local} ${remote}`;

/** Pauses between dials of a remote server that could not be reached: 0.5 s, doubling, at most 5 s. */
const RETRY_FIRST_PAUSE_MS = 500;
const RETRY_MAX_PAUSE_MS = 5000;

/**
 * This node's outgoing links, one per pair of our domain (the server's or a component's) and
 * remote domain: a remote server accepts stanzas only from the domain a link authenticated. The first stanza for a domain opens its
 * link; stanzas wait in a bounded queue while it comes up and go out in order once it is
 * authenticated. A remote server that cannot be reached (refused, no answer, its link dropped
 * before it was up) is dialed again, with a growing pause, for `retryForMs`: its restart loses
 * nothing. Past that, or when it refuses us (no address, dialback failed), every queued stanza
 * goes back to its sender as remote-server-not-found or remote-server-timeout.
 */
export class OutgoingLinks {
  private readonly links = new Map<string, Link>();
  private stopped = false;

  constructor(private readonly deps: OutgoingLinksDeps) {}

  /** `local`: the domain of the stanza's sender, ours or one of our components'. */
  send(stanza: Element, local: string, to: Jid): void {
    if (this.stopped) return this.deps.bounce(stanza, new StanzaError('remote-server-not-found', 'federation is stopping'));
    const key = keyOf(local, to.domain);
    let link = this.links.get(key);
    if (link?.stream?.isReady) return link.stream.sendStanza(stanza);
    // A link that was up and is closing (idle, or closed by the remote server) takes nothing more: a new one does.
    if (link?.since && link.stream?.isEnded) {
      this.links.delete(key);
      link = undefined;
    }
    if (!link) {
      link = { local, domain: to.domain, stream: undefined, queue: [], timer: undefined, retryUntil: Date.now() + this.deps.config().retryForMs, attempts: 0 };
      this.links.set(key, link);
      this.open(link);
    }
    if (link.queue.length >= this.deps.config().maxQueuedStanzas) {
      return this.deps.bounce(stanza, new StanzaError('resource-constraint', `too many stanzas waiting for ${to.domain}`));
    }
    link.queue.push(stanza);
  }

  /** Authenticated links, for the admin API and metrics. */
  authenticated(): Array<{ local: string; domain: string; method: AuthMethod; since: Date; address: string }> {
    return [...this.links.values()]
      .filter((link) => link.stream?.isReady && link.since && link.method)
      .map((link) => ({ local: link.local, domain: link.domain, method: link.method!, since: link.since!, address: link.stream!.connection.remoteAddress }));
  }

  /** An authenticated link from `local` to `domain`, if this node has one (dialback verification may travel on it). */
  readyStream(local: string, domain: string): OutgoingStream | undefined {
    const stream = this.links.get(keyOf(local, domain))?.stream;
    return stream?.isReady ? stream : undefined;
  }

  /** Opens an encrypted stream from `local` to `domain` for one dialback verification, outside the links. */
  async openVerifyStream(local: string, domain: string): Promise<OutgoingStream> {
    return new Promise((resolve, reject) => {
      this.connect(local, domain, 'verify', {
        onReady: (stream) => resolve(stream),
        onEnd: (_stream, reason) => reject(new Error(reason ?? 'closed')),
        onDialFailed: (reason) => reject(new Error(reason)),
      });
    });
  }

  stop(): void {
    this.stopped = true;
    for (const link of [...this.links.values()]) this.fail(link, new StanzaError('remote-server-not-found', 'federation stopped'));
  }

  private open(link: Link): void {
    const { connectTimeoutMs } = this.deps.config();
    link.attempts += 1;
    link.timer = setTimeout(() => this.retryOrFail(link, new StanzaError('remote-server-timeout', `${link.domain} did not answer in time`)), connectTimeoutMs);
    const key = keyOf(link.local, link.domain);
    this.connect(link.local, link.domain, 'link', {
      created: (stream) => (link.stream = stream),
      onReady: (stream, method) => {
        if (this.links.get(key) !== link) return stream.close();
        clearTimeout(link.timer);
        link.since = new Date();
        link.method = method;
        this.deps.logger.info({ local: link.local, remote: link.domain, method, address: stream.connection.remoteAddress }, 'outgoing server-to-server link up');
        for (const stanza of link.queue.splice(0)) stream.sendStanza(stanza);
        this.deps.changed();
      },
      onEnd: (_stream, reason) => {
        if (this.links.get(key) !== link) return this.deps.changed();
        if (reason) return this.fail(link, new StanzaError('remote-server-not-found', reason));
        this.links.delete(key);
        this.deps.logger.info({ remote: link.domain }, 'outgoing server-to-server link closed');
        this.deps.changed();
      },
      onDialFailed: (reason, transient) => {
        const error = new StanzaError('remote-server-not-found', reason);
        if (transient) this.retryOrFail(link, error);
        else this.fail(link, error);
      },
    });
  }

  /** Not reached this time: dial again after a pause while the retry window lasts, else bounce. */
  private retryOrFail(link: Link, error: StanzaError): void {
    const key = keyOf(link.local, link.domain);
    if (this.links.get(key) !== link) return;
    clearTimeout(link.timer);
    const stream = link.stream;
    link.stream = undefined;
    if (stream && !stream.isEnded) stream.close();
    const pause = Math.min(RETRY_MAX_PAUSE_MS, RETRY_FIRST_PAUSE_MS * 2 ** (link.attempts - 1));
    if (this.stopped || Date.now() + pause >= link.retryUntil) return this.fail(link, error);
    if (link.attempts === 1) this.deps.logger.info({ remote: link.domain, reason: error.text, queued: link.queue.length }, 'remote server not reached; dialing it again');
    link.timer = setTimeout(() => this.open(link), pause);
  }

  private connect(
    local: string,
    domain: string,
    mode: 'link' | 'verify',
    handlers: {
      created?: (stream: OutgoingStream) => void;
      onReady: (stream: OutgoingStream, method: AuthMethod | undefined) => void;
      onEnd: (stream: OutgoingStream, reason: string | undefined) => void;
      /** `transient`: the server may answer later (refused, unreachable); not when the domain offers no service. */
      onDialFailed: (reason: string, transient: boolean) => void;
    },
  ): void {
    const config = this.deps.config();
    (async () => {
      const targets = await resolveTargets(domain, config.routes);
      if (targets.length === 0) return handlers.onDialFailed(`${domain} offers no XMPP server-to-server service`, false);
      let connection;
      try {
        connection = await dial(targets, domain, this.deps.secureContext(), config.connectTimeoutMs);
      } catch (err) {
        this.deps.logger.info({ remote: domain, err: (err as Error).message }, 'could not connect to a remote server');
        return handlers.onDialFailed(`${domain} could not be reached`, true);
      }
      if (this.stopped) return connection.destroy();
      const stream = new OutgoingStream(connection, {
        domain: local,
        remote: domain,
        requireTls: config.requireTls,
        dialback: config.dialback,
        keys: this.deps.keys(),
        secureContext: this.deps.secureContext(),
        limits: this.deps.limits(),
        idleTimeoutMs: config.idleTimeoutMs,
        logger: this.deps.logger,
        mode,
        onReady: handlers.onReady,
        onEnd: handlers.onEnd,
      });
      handlers.created?.(stream);
    })().catch((err: unknown) => {
      this.deps.logger.error({ err, remote: domain }, 'opening a server-to-server link failed');
      handlers.onDialFailed(`${domain} could not be reached`, true);
    });
  }

  private fail(link: Link, error: StanzaError): void {
    const key = keyOf(link.local, link.domain);
    if (this.links.get(key) === link) this.links.delete(key);
    clearTimeout(link.timer);
    const stream = link.stream;
    link.stream = undefined;
    if (stream && !stream.isEnded) stream.close();
    const queued = link.queue.splice(0);
    if (queued.length > 0) this.deps.logger.info({ remote: link.domain, condition: error.condition, reason: error.text, bounced: queued.length }, 'stanzas for a remote domain bounced');
    for (const stanza of queued) this.deps.bounce(stanza, error);
    this.deps.changed();
  }
}
