import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { SocketConnection } from './socket-connection';
import { WebSocketConnection } from './websocket-connection';
import type { Connection } from './connection';

export interface BoundAddress {
  host: string;
  port: number;
}

export interface Listener {
  readonly address: BoundAddress;
  close(): Promise<void>;
}

export type ConnectionHandler = (connection: Connection) => void;

function listen(server: net.Server, host: string, port: number): Promise<BoundAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({ host, port: addr.port });
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Plain TCP on 5222; STARTTLS upgrades happen per connection. */
export async function listenTcp(host: string, port: number, secureContext: tls.SecureContext | undefined, onConnection: ConnectionHandler): Promise<Listener> {
  const server = net.createServer((socket) => onConnection(new SocketConnection(socket, 'tcp', secureContext)));
  const address = await listen(server, host, port);
  return { address, close: () => closeServer(server) };
}

/** Direct TLS (XEP-0368) on 5223. */
export async function listenDirectTls(host: string, port: number, credentials: { cert: string; key: string }, onConnection: ConnectionHandler): Promise<Listener> {
  // tls.createServer takes the certificate itself; a prebuilt secureContext is not used for the default identity.
  const server = tls.createServer({ cert: credentials.cert, key: credentials.key, ALPNProtocols: ['xmpp-client'] }, (socket) =>
    onConnection(new SocketConnection(socket, 'tls', undefined)),
  );
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  const address = await listen(server, host, port);
  return { address, close: () => closeServer(server) };
}

/** What a server-to-server listener presents, and the authorities peer certificates are checked against. */
export interface ServerTlsCredentials {
  cert: string;
  key: string;
  /** PEM certificates of trusted authorities; undefined: the system's. */
  ca?: string[];
}

/**
 * Server-to-server (RFC 6120): plain TCP with STARTTLS on 5269, or direct TLS (XEP-0368) on 5270.
 * Either way peers are asked for a certificate, which the stream layer checks (SASL EXTERNAL).
 */
export async function listenServerToServer(
  host: string,
  port: number,
  mode: 'starttls' | 'direct-tls',
  credentials: ServerTlsCredentials,
  onConnection: (connection: SocketConnection) => void,
): Promise<Listener> {
  const options = { cert: credentials.cert, key: credentials.key, ca: credentials.ca };
  const secureContext = tls.createSecureContext(options);
  const server =
    mode === 'starttls'
      ? net.createServer((socket) => onConnection(new SocketConnection(socket, 'tcp', secureContext, { side: 'server', verifyPeer: options })))
      : tls.createServer({ ...options, requestCert: true, rejectUnauthorized: false, ALPNProtocols: ['xmpp-server'] }, (socket) => onConnection(new SocketConnection(socket, 'tls', undefined)));
  if (server instanceof tls.Server) server.on('tlsClientError', (_err, socket) => socket.destroy());
  const address = await listen(server, host, port);
  return { address, close: () => closeServer(server) };
}

/** XMPP over WebSocket (RFC 7395) at `path`, subprotocol `xmpp`. */
export async function listenWebSocket(
  host: string,
  port: number,
  path: string,
  maxMessageBytes: number,
  onConnection: ConnectionHandler,
  /** Plain HTTP requests the listener also answers (host-meta); true when it did. */
  onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => boolean = () => false,
): Promise<Listener> {
  const server = http.createServer((req, res) => {
    if (onRequest(req, res)) return;
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('XMPP over WebSocket: connect with the "xmpp" subprotocol\n');
  });
  const wss = new WebSocketServer({
    server,
    path,
    maxPayload: maxMessageBytes,
    // Checked in WebSocketConnection, which answers with a stream error (not-well-formed).
    skipUTF8Validation: true,
    handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
  });
  wss.on('connection', (ws, req) => {
    const forwardedTls = req.headers['x-forwarded-proto'] === 'https';
    onConnection(new WebSocketConnection(ws, req.socket.remoteAddress ?? 'unknown', forwardedTls));
  });
  const address = await listen(server, host, port);
  return {
    address,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeServer(server);
    },
  };
}
