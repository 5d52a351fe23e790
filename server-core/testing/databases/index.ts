/** Helpers for tests that need a real, private SQLite file or PostgreSQL schema. */
export { createTestDatabaseLocation, onAdminConnection, TEST_BACKENDS, TEST_POSTGRES_URL } from './test-databases';
export type { TestBackend, TestDatabaseLocation } from './test-databases';
