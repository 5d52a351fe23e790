import { Element } from 'ltx';
import { NS } from '../../xml';
import type { InterceptorContext, InterceptorVerdict, PacketInterceptor } from '../../routing';
import type { ClientSession } from '../../session';
import type { AdvertisedCaps } from './advertised-caps';

/** Queries one node has out at once; beyond that a resource's caps stay unknown until its next presence. */
export const MAX_PENDING_QUERIES = 1000;

interface Pending {
  session: ClientSession;
  timer: NodeJS.Timeout;
  resolve: (query: Element | undefined) => void;
}

/**
 * The server's disco#info requests to its own clients (XEP-0115 section 6.2). The answers
 * come back through the session's stream, where an incoming interceptor takes them before the
 * router, which has no one waiting for IQ results addressed to the server.
 */
export class CapsQueries {
  private readonly pending = new Map<string, Pending>();
  /** A resource is asked one thing at a time, so a client cycling vers cannot queue up requests. */
  private readonly asking = new Map<ClientSession, string>();
  private sequence = 0;
  private disposed = false;

  constructor(
    private readonly domain: string,
    private readonly timeoutMs: number,
  ) {}

  /** False while the resource is being asked something already, or the node waits for too many answers. */
  canAsk(session: ClientSession): boolean {
    return !this.disposed && !session.isEnded && !this.asking.has(session) && this.pending.size < MAX_PENDING_QUERIES;
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Resolves with the `<query/>` of the result, or undefined when the client answered with an
   * error, did not answer in time or went away. Only when `canAsk`.
   */
  ask(session: ClientSession, caps: AdvertisedCaps): Promise<Element | undefined> {
    if (!this.canAsk(session)) throw new Error(`${session.fullJid} cannot be asked now`);
    const id = `caps-${++this.sequence}`;
    const answered = new Promise<Element | undefined>((resolve) => {
      const timer = setTimeout(() => this.settle(id, undefined), this.timeoutMs);
      timer.unref();
      this.pending.set(id, { session, timer, resolve });
    });
    this.asking.set(session, id);
    const iq = new Element('iq', { type: 'get', from: this.domain, to: session.fullJid, id });
    iq.c('query', { xmlns: NS.DISCO_INFO, node: `${caps.node}#${caps.ver}` });
    session.deliver(iq);
    return answered;
  }

  /** The session is gone: whatever it was asked will not be answered. */
  sessionEnded(session: ClientSession): void {
    const id = this.asking.get(session);
    if (id !== undefined) this.settle(id, undefined);
  }

  interceptor(): PacketInterceptor {
    return { name: 'caps-answers', priority: 0, intercept: (stanza, context) => this.intercept(stanza, context) };
  }

  dispose(): void {
    this.disposed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined);
  }

  private intercept(stanza: Element, { session, direction, processed }: InterceptorContext): InterceptorVerdict {
    if (processed || direction !== 'incoming' || stanza.name !== 'iq' || this.pending.size === 0) return undefined;
    const { type, id } = stanza.attrs as Record<string, unknown>;
    if ((type !== 'result' && type !== 'error') || typeof id !== 'string' || this.pending.get(id)?.session !== session) return undefined;
    this.settle(id, type === 'result' ? stanza.getChild('query', NS.DISCO_INFO) : undefined);
    return { reject: 'drop' };
  }

  private settle(id: string, query: Element | undefined): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.asking.get(pending.session) === id) this.asking.delete(pending.session);
    clearTimeout(pending.timer);
    pending.resolve(query);
  }
}
