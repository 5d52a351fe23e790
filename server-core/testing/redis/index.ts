/** Test support for the cluster layer: a private, non-persistent redis-server to restart at will, and the shared test Redis. */
export { PrivateRedisServer, freePort } from './private-redis-server';
export type { PrivateRedisOptions } from './private-redis-server';
export { TEST_REDIS } from './test-redis';
export { HoldingRelay } from './holding-relay';
