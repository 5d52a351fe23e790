/**
 * Relative paths in a config file mean "relative to that file" (or to the working folder when
 * there is no file), so a config can be moved together with its data folder.
 */
import path from 'node:path';
import type { ConfigFile } from './schema';

export type SqliteStorageConfig = { kind: 'sqlite'; file: string };
export type PostgresStorageConfig = Extract<ConfigFile['storage'], { kind: 'postgres' }>;

/** The server's settings, fully defaulted, with every path absolute. */
export type ServerConfig = Omit<ConfigFile, 'storage'> & { storage: SqliteStorageConfig | PostgresStorageConfig };

export const DEFAULT_SQLITE_FILE_NAME = 'asterisk-im.sqlite';

export function resolvePaths(config: ConfigFile, baseDir: string): ServerConfig {
  const dataDir = path.resolve(baseDir, config.dataDir);
  const fromBase = (file: string | undefined) => (file === undefined ? undefined : path.resolve(baseDir, file));
  const storage =
    config.storage.kind === 'sqlite'
      ? { kind: 'sqlite' as const, file: config.storage.file ? path.resolve(baseDir, config.storage.file) : path.join(dataDir, DEFAULT_SQLITE_FILE_NAME) }
      : config.storage;
  const tls = dropUndefined({ certFile: fromBase(config.tls.certFile), keyFile: fromBase(config.tls.keyFile) });
  const plugins = config.plugins.map((plugin) => (plugin.path ? { ...plugin, path: path.resolve(baseDir, plugin.path) } : plugin));
  return { ...config, dataDir, storage, tls, plugins };
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
