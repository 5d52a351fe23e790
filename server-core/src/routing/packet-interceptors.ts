import type { Element } from 'ltx';
import type { Logger } from '../log';
import { StanzaError } from '../xml';
import type { ClientSession, InterceptOutcome } from '../session';

export interface InterceptorContext {
  session: ClientSession;
  /** incoming: the session sent it; outgoing: it is about to be written to the session. */
  direction: 'incoming' | 'outgoing';
  /** false before the server processed (or wrote) it, true after. */
  processed: boolean;
}

/**
 * What an interceptor decides before processing: nothing (pass), a replacement stanza,
 * or a rejection. A rejection with a StanzaError answers the sender where the stanza type
 * allows; 'drop' discards silently. Verdicts returned after processing are ignored.
 */
export type InterceptorVerdict = void | undefined | { rewrite: Element } | { reject: StanzaError | 'drop' };

export interface PacketInterceptor {
  /** For logs. */
  name: string;
  /** Higher runs first; equal priorities run in registration order. */
  priority: number;
  intercept(stanza: Element, context: InterceptorContext): InterceptorVerdict;
}

export type { InterceptOutcome };

/**
 * The Openfire PacketInterceptor model: every stanza a local session sends or receives
 * passes through the chain twice (before and after processing). Interceptors are
 * synchronous so stanza order is never disturbed; one that throws is logged and skipped.
 */
export class InterceptorChain {
  private interceptors: PacketInterceptor[] = [];
  private sequence = 0;
  private readonly order = new WeakMap<PacketInterceptor, number>();

  constructor(private readonly logger: Logger) {}

  add(interceptor: PacketInterceptor): () => void {
    this.order.set(interceptor, this.sequence++);
    this.interceptors = [...this.interceptors, interceptor].sort(
      (a, b) => b.priority - a.priority || this.order.get(a)! - this.order.get(b)!,
    );
    return () => {
      this.interceptors = this.interceptors.filter((i) => i !== interceptor);
    };
  }

  get count(): number {
    return this.interceptors.length;
  }

  before(stanza: Element, session: ClientSession, direction: 'incoming' | 'outgoing'): InterceptOutcome {
    let current = stanza;
    for (const interceptor of this.interceptors) {
      const verdict = this.call(interceptor, current, { session, direction, processed: false });
      if (!verdict) continue;
      if ('reject' in verdict) return { kind: 'reject', error: verdict.reject };
      current = verdict.rewrite;
    }
    return { kind: 'pass', stanza: current };
  }

  after(stanza: Element, session: ClientSession, direction: 'incoming' | 'outgoing'): void {
    for (const interceptor of this.interceptors) this.call(interceptor, stanza, { session, direction, processed: true });
  }

  private call(interceptor: PacketInterceptor, stanza: Element, context: InterceptorContext): InterceptorVerdict {
    if (this.interceptors.length === 0) return undefined;
    try {
      return interceptor.intercept(stanza, context);
    } catch (err) {
      this.logger.error({ err, interceptor: interceptor.name, direction: context.direction }, 'packet interceptor failed; stanza passes on');
      return undefined;
    }
  }
}

export { StanzaError };
