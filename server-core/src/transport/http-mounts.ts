import type http from 'node:http';

export type HttpRequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Plain HTTP requests the WebSocket listener serves besides the upgrade: modules mount a path
 * prefix (XEP-0363 uploads at `/upload/`), and learn the listener's address once it is bound.
 */
export class HttpMounts {
  private readonly mounts = new Map<string, HttpRequestHandler>();
  private bound: { port: number; secure: boolean } | undefined;

  /** Serves requests whose path starts with `prefix` (such as `/upload/`); returns the undo. */
  mount(prefix: string, handler: HttpRequestHandler): () => void {
    if (!/^\/[a-z0-9-]+\/$/.test(prefix)) throw new Error(`invalid HTTP mount "${prefix}": expected "/<name>/"`);
    if (this.mounts.has(prefix)) throw new Error(`HTTP path ${prefix} is mounted already`);
    this.mounts.set(prefix, handler);
    return () => {
      if (this.mounts.get(prefix) === handler) this.mounts.delete(prefix);
    };
  }

  /** Answers the request when a mount takes its path; false leaves it to the listener. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const pathname = (req.url ?? '/').split('?')[0];
    for (const [prefix, handler] of this.mounts) {
      if (pathname.startsWith(prefix)) {
        handler(req, res);
        return true;
      }
    }
    return false;
  }

  /** Called by the server once the listener is bound. */
  listening(port: number, secure: boolean): void {
    this.bound = { port, secure };
  }

  /** Where the listener is bound, or undefined while there is none (listener off, not started yet). */
  get address(): { port: number; secure: boolean } | undefined {
    return this.bound;
  }
}
