import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a public route sees of a request: enough to name the server's own URLs back to the client. */
export interface PublicRequest {
  path: string;
  /** The host the client used: a proxy's `X-Forwarded-Host`, else the `Host` header. */
  host: string | undefined;
  /** TLS in front of the listener (`X-Forwarded-Proto: https`). */
  secure: boolean;
}

export interface PublicAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type PublicRouteHandler = (request: PublicRequest) => PublicAnswer;

/** A handler that answers the whole request itself (any method, streamed bodies). */
export type PublicMountHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * GET routes on the public HTTP listener (the one that carries XMPP over WebSocket), such as
 * XEP-0156 host-meta. Only exact paths, answered to anyone: nothing private belongs here.
 */
export class PublicRoutes {
  private readonly routes = new Map<string, PublicRouteHandler>();
  private readonly mounts = new Map<string, PublicMountHandler>();
  private bound: { port: number; secure: boolean } | undefined;

  constructor(
    /** The WebSocket path of the listener, for routes that advertise it. */
    readonly websocketPath: string | undefined,
  ) {}

  add(path: string, handler: PublicRouteHandler): () => void {
    if (this.routes.has(path)) throw new Error(`the public route ${path} is taken`);
    this.routes.set(path, handler);
    return () => {
      if (this.routes.get(path) === handler) this.routes.delete(path);
    };
  }

  /** Hands every request whose path starts with `prefix` (`/<name>/`) to `handler`; returns the undo. */
  mount(prefix: string, handler: PublicMountHandler): () => void {
    if (!/^\/[a-z0-9-]+\/$/.test(prefix)) throw new Error(`invalid public mount "${prefix}": expected "/<name>/"`);
    if (this.mounts.has(prefix)) throw new Error(`the public mount ${prefix} is taken`);
    this.mounts.set(prefix, handler);
    return () => {
      if (this.mounts.get(prefix) === handler) this.mounts.delete(prefix);
    };
  }

  /** Called by the server once the listener is bound. */
  listening(port: number, secure: boolean): void {
    this.bound = { port, secure };
  }

  /** Where the listener is bound, or undefined while there is none (listener off, not started yet). */
  get address(): { port: number; secure: boolean } | undefined {
    return this.bound;
  }

  /** Answers the request when a route has its path or a mount its prefix; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0]!;
    for (const [prefix, mounted] of this.mounts) {
      if (path.startsWith(prefix)) {
        mounted(req, res);
        return true;
      }
    }
    const handler = this.routes.get(path);
    if (!handler) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('only GET\n');
      return true;
    }
    const forwardedHost = req.headers['x-forwarded-host'];
    const host = (Array.isArray(forwardedHost) ? forwardedHost[0] : forwardedHost)?.split(',')[0]?.trim() || req.headers.host;
    const answer = handler({ path, host, secure: req.headers['x-forwarded-proto'] === 'https' });
    // XEP-0156 4: web clients of other origins read host-meta, so it is open to every origin.
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'access-control-allow-origin': '*' });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
    return true;
  }
}
