/**
 * The server's configuration: a strict JSON file (or embedded defaults), `AIM_*` environment
 * overrides, and errors that name the bad key. See docs/configuration.md for every setting.
 */
export { loadConfig, parseConfig } from './load-config';
export type { ConfigSource, LoadConfigOptions } from './load-config';
export { ConfigError, isConfigError } from './config-error';
export type { ConfigErrorKind } from './config-error';
export { ENV_OVERRIDES } from './env-overrides';
export { describeIssues, formatIssues } from './format-issues';
export type { Issue } from './format-issues';
export { isSecretKey } from './secret-keys';
export { isHostname } from './schema';
export type { ServerConfig, SqliteStorageConfig, PostgresStorageConfig } from './resolve-paths';
export { DEFAULT_SQLITE_FILE_NAME } from './resolve-paths';
