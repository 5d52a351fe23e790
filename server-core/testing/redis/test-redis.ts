/**
 * The shared Redis the tests use: 127.0.0.1:6379 unless `TEST_REDIS_HOST`/`TEST_REDIS_PORT` point
 * elsewhere (`npm test` sets them when it starts a private redis-server). Tests that need a Redis
 * they may stop start a PrivateRedisServer instead.
 */
export const TEST_REDIS: { host: string; port: number } = {
  host: process.env.TEST_REDIS_HOST || '127.0.0.1',
  port: Number(process.env.TEST_REDIS_PORT || 6379),
};
