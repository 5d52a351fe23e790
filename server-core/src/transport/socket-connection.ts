import type { Socket } from 'node:net';
import tls, { TLSSocket, type SecureContext, type PeerCertificate } from 'node:tls';
import { EventEmitter } from 'eventemitter3';
import { nextConnectionId, type Connection, type ConnectionEvents } from './connection';
import { Utf8Decoder } from './utf8-decoder';
import { WriteTracker } from './write-tracker';

/**
 * Which end of the TLS handshake this connection plays. Listeners accept (`server`, the default);
 * federation also dials (`client`, naming the domain it expects) and asks peers for a certificate.
 */
export type TlsRole =
  | { side: 'server'; verifyPeer?: { cert: string; key: string; ca?: string[] } }
  | { side: 'client'; servername: string };

/** The peer's certificate after TLS, and whether it chains to the trusted authorities of the secure context. */
export interface PeerCertificateStatus {
  authorized: boolean;
  error: string | undefined;
  certificate: PeerCertificate | undefined;
}

/** A TCP socket (optionally upgraded with STARTTLS) or a direct-TLS socket. */
export class SocketConnection extends EventEmitter<ConnectionEvents> implements Connection {
  readonly id = nextConnectionId('c');
  readonly framing = 'stream' as const;
  readonly remoteAddress: string;
  private socket: Socket;
  private upgraded = false;
  private closed = false;
  private corked = false;
  private readonly writes = new WriteTracker();

  constructor(
    socket: Socket,
    readonly transport: 'tcp' | 'tls',
    private readonly secureContext: SecureContext | undefined,
    private readonly tlsRole: TlsRole = { side: 'server' },
  ) {
    super();
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.attach(socket);
  }

  get secure(): boolean {
    return this.transport === 'tls' || this.upgraded;
  }

  get canStartTls(): boolean {
    return this.transport === 'tcp' && !this.upgraded && this.secureContext !== undefined;
  }

  get pendingWriteBytes(): number {
    return this.socket.writableLength;
  }

  /** Stanzas written in one tick leave in one system call: on loopback and busy links each call costs more than the copy. */
  write(text: string): void {
    if (this.closed || !this.socket.writable) {
      // Dropped, not written: whoever waits for the flush must not take it as delivered.
      this.writes.closed();
      return;
    }
    if (!this.corked) {
      const socket = this.socket;
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.socket.write(text, this.writes.next());
  }

  flushed(): Promise<boolean> {
    return this.writes.flushed();
  }

  startTls(): Promise<void> {
    if (!this.canStartTls) return Promise.reject(new Error('STARTTLS not available on this connection'));
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const role = this.tlsRole;
    this.upgraded = true;
    if (role.side === 'server' && role.verifyPeer) return this.acceptTlsCheckingPeer(plain, role.verifyPeer);
    // Certificates are checked by the stream layer (peerCertificate), which decides what an untrusted one still allows.
    const secure =
      role.side === 'client'
        ? tls.connect({ socket: plain, servername: role.servername, secureContext: this.secureContext, rejectUnauthorized: false })
        : new TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.socket = secure;
    return new Promise((resolve, reject) => {
      secure.once(role.side === 'client' ? 'secureConnect' : 'secure', () => resolve());
      secure.once('error', reject);
      this.attach(secure);
    });
  }

  /**
   * The server end of a handshake that asks for the peer's certificate. Node sets `authorized`
   * on a server socket only when a tls.Server runs the handshake, so one (never listening) does.
   */
  private acceptTlsCheckingPeer(plain: Socket, credentials: { cert: string; key: string; ca?: string[] }): Promise<void> {
    const server = tls.createServer({ ...credentials, requestCert: true, rejectUnauthorized: false });
    return new Promise((resolve, reject) => {
      const failed = (err: Error) => {
        plain.destroy();
        if (!this.closed) {
          this.closed = true;
          this.writes.closed();
          this.emit('close');
        }
        reject(err);
      };
      server.once('secureConnection', (secure: TLSSocket) => {
        this.socket = secure;
        this.attach(secure);
        resolve();
      });
      server.once('tlsClientError', failed);
      server.emit('connection', plain);
    });
  }

  /** The peer's certificate once the connection is encrypted; undefined before. */
  get peerCertificate(): PeerCertificateStatus | undefined {
    const socket = this.socket;
    if (!(socket instanceof TLSSocket)) return undefined;
    const certificate = socket.getPeerCertificate();
    const present = certificate !== undefined && Object.keys(certificate).length > 0;
    const error = socket.authorizationError;
    return { authorized: socket.authorized, error: error === undefined || error === null ? undefined : String(error), certificate: present ? certificate : undefined };
  }

  close(): void {
    if (this.closed) return;
    this.socket.end();
    // A peer that never answers our closing tag must not keep the socket forever.
    setTimeout(() => this.destroy(), 2000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    // A new decoder per layer: bytes left half-decoded before STARTTLS belong to no character.
    const decoder = new Utf8Decoder();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const text = decoder.decode(chunk);
      if (text === undefined) {
        socket.pause();
        socket.removeAllListeners('data');
        this.emit('undecodable');
      } else if (text.length > 0) {
        this.emit('data', text);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.writes.closed();
      this.emit('close');
    });
  }
}
