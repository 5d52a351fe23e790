import type { WebSocket } from 'ws';
import { EventEmitter } from 'eventemitter3';
import { nextConnectionId, type Connection, type ConnectionEvents } from './connection';
import { Utf8Decoder } from './utf8-decoder';
import { WriteTracker } from './write-tracker';

/** XMPP over WebSocket (RFC 7395): every message carries complete elements. */
export class WebSocketConnection extends EventEmitter<ConnectionEvents> implements Connection {
  readonly id = nextConnectionId('w');
  readonly transport = 'websocket' as const;
  readonly framing = 'frames' as const;
  readonly canStartTls = false;
  private closed = false;
  private readonly decoder = new Utf8Decoder();
  private readonly writes = new WriteTracker();

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
    readonly secure: boolean,
  ) {
    super();
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        // RFC 7395 3.2: XMPP frames are text; a binary frame is a protocol error.
        ws.close(1003, 'binary frames are not XMPP');
        return;
      }
      // ws is told not to check UTF-8 itself, so that the client gets a stream error rather than close code 1007.
      const text = this.decoder.decode(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : new Uint8Array(data), true);
      if (text === undefined) {
        ws.removeAllListeners('message');
        this.emit('undecodable');
      } else {
        this.emit('data', text);
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.writes.closed();
      this.emit('close');
    });
  }

  get pendingWriteBytes(): number {
    return this.ws.bufferedAmount;
  }

  write(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) {
      // Dropped, not written: whoever waits for the flush must not take it as delivered.
      this.writes.closed();
      return;
    }
    this.ws.send(text, this.writes.next());
  }

  flushed(): Promise<boolean> {
    return this.writes.flushed();
  }

  startTls(): Promise<void> {
    return Promise.reject(new Error('STARTTLS is not used over WebSocket'));
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    setTimeout(() => this.destroy(), 2000).unref();
  }

  destroy(): void {
    this.ws.terminate();
  }
}
