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
    on(event: 'stanza', listener: (stanza: Element) => void): void;
    on(event: 'error' | 'offline' | 'online' | 'status' | string, listener: (...args: any[]) => void): void;
    iqCaller: { request(stanza: Element, timeoutMs?: number): Promise<Element> };
    reconnect: { stop(): void };
    status: string;
    jid?: { toString(): string };
  }
  export function client(options: ClientOptions): XmppClient;
  export function xml(name: string, attrs?: Record<string, unknown> | null, ...children: Array<Element | string>): Element;
}
