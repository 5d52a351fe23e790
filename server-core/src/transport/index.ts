export type { Connection, ConnectionEvents } from './connection';
export { listenTcp, listenDirectTls, listenWebSocket, listenServerToServer } from './listeners';
export { SocketConnection } from './socket-connection';
export type { TlsRole, PeerCertificateStatus } from './socket-connection';
export type { Listener, BoundAddress, ConnectionHandler, ServerTlsCredentials } from './listeners';
