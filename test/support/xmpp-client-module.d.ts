// Minimal typings for the parts of @xmpp/client (0.13) the tests use.
declare module '@xmpp/client' {
  import type { Element } from 'ltx';
  interface ClientOptions {
    service: string;
    domain?: string;
    username?: string;
    password?: string;
    resource?: string;
  }
  interface XmppClient {
    start(): Promise<{ toString(): string }>;
    stop(): Promise<void>;
    send(stanza: Element): Promise<void>;
    /** Raw text on the stream (a whitespace keepalive). */
    write(text: string): Promise<void>;
    on(event: 'stanza', listener: (stanza: Element) => void): void;
    on(event: 'error' | 'offline' | 'online' | 'status' | string, listener: (...args: any[]) => void): void;
    reconnect: { stop(): void };
    /** Answers IQ requests: the handler's element is the result payload, an `<error/>` the error. */
    iqCallee: { get(ns: string, name: string, handler: (ctx: { stanza: Element; element: Element }) => unknown): void };
    status: string;
    jid?: { toString(): string };
  }
  export function client(options: ClientOptions): XmppClient;
  export function xml(name: string, attrs?: Record<string, unknown> | null, ...children: Array<Element | string>): Element;
}

declare module '@xmpp/middleware/lib/StanzaError' {
  import type { Element } from 'ltx';
  /** The error an IQ request is rejected with: `condition`, `text` and the application-specific child. */
  export default class StanzaError extends Error {
    condition: string;
    text: string;
    application?: Element;
    element: Element;
    static fromElement(element: Element): StanzaError;
  }
}
