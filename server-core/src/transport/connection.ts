import { EventEmitter } from 'eventemitter3';

export interface ConnectionEvents {
  /** Text received: a chunk of the stream (stream framing) or one whole message (websocket framing). */
  data: (text: string) => void;
  /** Bytes that are not UTF-8 arrived; nothing more is read from this connection. */
  undecodable: () => void;
  close: () => void;
}

/**
 * One client connection, whatever carries it. The stream layer only sees this.
 * `framing` tells whether the peer sends one continuous XML stream (TCP, TLS) or
 * one complete element per message (WebSocket, RFC 7395).
 */
export interface Connection extends EventEmitter<ConnectionEvents> {
  readonly id: string;
  readonly transport: 'tcp' | 'tls' | 'websocket';
  readonly framing: 'stream' | 'frames';
  readonly remoteAddress: string;
  /** True once traffic is encrypted (direct TLS, after STARTTLS, or wss). */
  readonly secure: boolean;
  /** True when STARTTLS can still be negotiated on this connection. */
  readonly canStartTls: boolean;
  /** Bytes queued for writing; the stream layer uses it to shed slow readers. */
  readonly pendingWriteBytes: number;
  write(text: string): void;
  /**
   * Resolves true once everything written so far has been handed to the operating system
   * (the peer may still not have read it), false when the connection closed before that.
   */
  flushed(): Promise<boolean>;
  /** Upgrades in place; resolves when the handshake completes. */
  startTls(): Promise<void>;
  /** Ends gracefully after flushing what was written. */
  close(): void;
  /** Ends at once. */
  destroy(): void;
}

let counter = 0;
export function nextConnectionId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter.toString(36)}`;
}
