import { ComponentStream, StreamError, type ComponentStreamHost } from '../../stream';
import { listenTcp, type BoundAddress } from '../../transport';
import type { TimerHandle } from '../../lifecycle/scope';

export interface ComponentListenerSettings {
  host: string;
  port: number;
  handshakeTimeoutMs: number;
  keepaliveIntervalMs: number;
}

interface Timers {
  setTimeout(fn: () => unknown, ms: number): TimerHandle;
  setInterval(fn: () => unknown, ms: number): TimerHandle;
}

export interface ComponentListener {
  readonly address: BoundAddress;
  /** Ends every stream (`system-shutdown`), then stops listening once their connections are gone. */
  close(): Promise<void>;
}

/**
 * The XEP-0114 port: one ComponentStream per connection, each with its handshake deadline, and
 * whitespace keepalives on the connected ones so a connection whose other end vanished is noticed.
 */
export async function listenForComponents(settings: ComponentListenerSettings, host: ComponentStreamHost, timers: Timers): Promise<ComponentListener> {
  const streams = new Map<ComponentStream, TimerHandle>();
  const tracked: ComponentStreamHost = {
    ...host,
    closed(stream) {
      streams.get(stream)?.cancel();
      streams.delete(stream);
      host.closed(stream);
    },
  };
  const listener = await listenTcp(settings.host, settings.port, undefined, (connection) => {
    const stream = new ComponentStream(connection, tracked);
    const deadline = timers.setTimeout(() => {
      if (!stream.isConnected) stream.close(new StreamError('connection-timeout', `no handshake within ${settings.handshakeTimeoutMs} ms`));
    }, settings.handshakeTimeoutMs);
    streams.set(stream, deadline);
  });
  const keepalive = timers.setInterval(() => {
    for (const stream of streams.keys()) stream.keepalive();
  }, settings.keepaliveIntervalMs);
  return {
    address: listener.address,
    close: async () => {
      keepalive.cancel();
      for (const stream of [...streams.keys()]) stream.close(new StreamError('system-shutdown'));
      await listener.close();
    },
  };
}
