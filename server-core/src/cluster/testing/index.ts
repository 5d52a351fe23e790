/** Test support for the cluster layer: a private, non-persistent redis-server to restart at will. */
export { PrivateRedisServer, freePort } from './private-redis-server';
export type { PrivateRedisOptions } from './private-redis-server';
