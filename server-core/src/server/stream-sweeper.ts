import type { ClientStream } from '../stream';
import { StreamError } from '../stream';

export interface StreamSweeperOptions {
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
}

/**
 * One timer for all streams instead of one per connection: sends whitespace keepalives on
 * quiet streams and closes streams the peer has abandoned (RFC 6120 4.6).
 */
export class StreamSweeper {
  private readonly streams = new Set<ClientStream>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: StreamSweeperOptions) {
    const every = Math.max(250, Math.min(options.keepaliveIntervalMs, options.idleTimeoutMs) / 4);
    this.timer = setInterval(() => this.sweep(Date.now()), every);
    this.timer.unref();
  }

  add(stream: ClientStream): void {
    this.streams.add(stream);
  }

  remove(stream: ClientStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  all(): IterableIterator<ClientStream> {
    return this.streams.values();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private sweep(now: number): void {
    for (const stream of this.streams) {
      if (now - stream.lastReceivedAt > this.options.idleTimeoutMs) {
        stream.close(new StreamError('connection-timeout', 'no traffic from the client'));
      } else if (now - stream.lastSentAt > this.options.keepaliveIntervalMs) {
        stream.keepalive();
      }
    }
  }
}
