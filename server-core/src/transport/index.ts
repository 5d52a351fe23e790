export type { Connection, ConnectionEvents } from './connection';
export { listenTcp, listenDirectTls, listenWebSocket } from './listeners';
export type { Listener, BoundAddress, ConnectionHandler } from './listeners';
