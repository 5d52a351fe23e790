import type { Element } from 'ltx';
import type { Jid } from '../xml';
import type { ClientSession } from '../session/client-session';

export interface IqRequest {
  iq: Element;
  payload: Element;
  from: Jid;
  to: Jid;
  /** The sending session when it is on this node. */
  session?: ClientSession;
}

/**
 * Answers an IQ get/set. Return a payload element for the result (or nothing for an empty
 * result); throw a StanzaError to answer with an error.
 */
export type IqHandler = (request: IqRequest) => Promise<Element | void> | Element | void;

/**
 * Where an IQ handler answers:
 * - `server`: IQs to the server's domain;
 * - `account`: IQs to a user's bare JID (or with no `to`, which means the sender's own account).
 */
export type IqScope = 'server' | 'account';

/** IQ handlers by scope and payload namespace; registration returns its own undo. */
export class IqHandlers {
  private readonly handlers = new Map<string, IqHandler>();

  register(scope: IqScope, namespace: string, handler: IqHandler): () => void {
    const key = `${scope} ${namespace}`;
    if (this.handlers.has(key)) throw new Error(`an IQ handler for ${namespace} (${scope}) is already registered`);
    this.handlers.set(key, handler);
    return () => {
      if (this.handlers.get(key) === handler) this.handlers.delete(key);
    };
  }

  find(scope: IqScope, namespace: string | undefined): IqHandler | undefined {
    return namespace ? this.handlers.get(`${scope} ${namespace}`) : undefined;
  }
}
