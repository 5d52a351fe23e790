import type { ClientStream } from '../stream';
import { StreamError } from '../stream';

export interface StreamSweeperOptions {
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
  /** From the first byte to a bound resource (stream header, STARTTLS, SASL, bind). */
  streamSetupTimeoutMs: number;
  /** Silence allowed before authentication. */
  preAuthIdleTimeoutMs: number;
}

/**
 * One timer for all streams instead of one per connection: sends whitespace keepalives on
 * quiet streams, closes streams the peer has abandoned (RFC 6120 4.6), and closes streams that
 * do not get to a bound resource in time or fall silent before authenticating (slowloris).
 * Streams still setting up are checked often; bound ones only at the keepalive pace.
 */
export class StreamSweeper {
  private readonly streams = new Set<ClientStream>();
  private readonly settingUp = new Set<ClientStream>();
  private readonly timer: NodeJS.Timeout;
  private readonly boundEveryMs: number;
  private lastBoundSweep = Date.now();

  constructor(private readonly options: StreamSweeperOptions) {
    this.boundEveryMs = Math.max(250, Math.min(options.keepaliveIntervalMs, options.idleTimeoutMs) / 4);
    const setupEveryMs = Math.max(250, Math.min(options.streamSetupTimeoutMs, options.preAuthIdleTimeoutMs) / 4);
    this.timer = setInterval(() => this.sweep(Date.now()), Math.min(this.boundEveryMs, setupEveryMs));
    this.timer.unref();
  }

  add(stream: ClientStream): void {
    this.streams.add(stream);
    this.settingUp.add(stream);
  }

  /** True when the stream was one of this sweeper's. */
  remove(stream: ClientStream): boolean {
    this.settingUp.delete(stream);
    return this.streams.delete(stream);
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
    this.sweepSettingUp(now);
    if (now - this.lastBoundSweep < this.boundEveryMs) return;
    this.lastBoundSweep = now;
    for (const stream of this.streams) {
      if (now - stream.lastReceivedAt > this.options.idleTimeoutMs) {
        stream.close(new StreamError('connection-timeout', 'no traffic from the client'));
      } else if (now - stream.lastSentAt > this.options.keepaliveIntervalMs) {
        stream.keepalive();
      }
    }
  }

  private sweepSettingUp(now: number): void {
    for (const stream of this.settingUp) {
      if (stream.isBound) {
        this.settingUp.delete(stream);
      } else if (now - stream.openedAt > this.options.streamSetupTimeoutMs) {
        stream.close(new StreamError('connection-timeout', `no resource bound within ${this.options.streamSetupTimeoutMs} ms`));
      } else if (stream.authenticatedUser === undefined && now - stream.lastReceivedAt > this.options.preAuthIdleTimeoutMs) {
        stream.close(new StreamError('connection-timeout', `silent for ${this.options.preAuthIdleTimeoutMs} ms before authenticating`));
      }
    }
  }
}
