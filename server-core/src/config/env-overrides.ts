/**
 * Environment variables for the settings people change per machine or container. They are
 * applied over the config file and validated with it, so `AIM_C2S_PORT=abc` fails with the same
 * message as a bad file value, naming the variable.
 */
import type { KeyPath, ValueOrigins } from './format-issues';
import { pathToString } from './format-issues';

type RawConfig = Record<string, unknown>;

interface EnvOverride {
  name: string;
  /** Where the value lands in the config; also names it in error messages. */
  path: KeyPath;
  meaning: string;
  apply(config: RawConfig, value: string): void;
}

const setting = (name: string, path: KeyPath, meaning: string, convert: (value: string) => unknown = (value) => value): EnvOverride => ({
  name,
  path,
  meaning,
  apply: (config, value) => setAt(config, path, convert(value)),
});

/** "5222" becomes 5222; anything else stays a string so validation reports it as given. */
const toPort = (value: string): unknown => (/^\d+$/.test(value.trim()) ? Number(value) : value);

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  setting('AIM_DOMAIN', ['domain'], 'domain'),
  setting('AIM_DATA_DIR', ['dataDir'], 'dataDir'),
  setting('AIM_C2S_PORT', ['listeners', 'c2s', 'port'], 'listeners.c2s.port (turns the listener on if it was off)', toPort),
  setting('AIM_C2S_TLS_PORT', ['listeners', 'c2sDirectTls', 'port'], 'listeners.c2sDirectTls.port (turns it on if it was off)', toPort),
  setting('AIM_WEBSOCKET_PORT', ['listeners', 'websocket', 'port'], 'listeners.websocket.port (turns it on if it was off)', toPort),
  setting('AIM_ADMIN_PORT', ['listeners', 'admin', 'port'], 'listeners.admin.port (turns it on if it was off)', toPort),
  setting('AIM_LOG_LEVEL', ['log', 'level'], 'log.level'),
  {
    name: 'AIM_DATABASE_URL',
    path: ['storage', 'url'],
    meaning: 'storage: switches to PostgreSQL at this URL',
    apply(config, url) {
      const storage = asObject(config.storage);
      config.storage = storage.kind === 'postgres' ? { ...storage, url } : { kind: 'postgres', url };
    },
  },
  {
    name: 'AIM_REDIS_URL',
    path: ['cluster', 'redis', 'url'],
    meaning: 'cluster: switches to Redis clustering through this URL',
    apply(config, url) {
      const cluster = asObject(config.cluster);
      config.cluster = cluster.kind === 'redis' ? { ...cluster, redis: { url } } : { kind: 'redis', redis: { url } };
    },
  },
  setting('AIM_NODE_ID', ['cluster', 'nodeId'], 'cluster.nodeId'),
];

/** Applies the variables that are set and non-empty; returns which key paths they fed. */
export function applyEnvOverrides(config: RawConfig, env: NodeJS.ProcessEnv): ValueOrigins {
  const origins: ValueOrigins = new Map();
  for (const override of ENV_OVERRIDES) {
    const value = env[override.name];
    if (value === undefined || value === '') continue;
    override.apply(config, value);
    origins.set(pathToString(override.path), override.name);
  }
  return origins;
}

function asObject(value: unknown): RawConfig {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as RawConfig) : {};
}

/** Sets a nested value, replacing anything that is not an object on the way (such as `false`). */
function setAt(config: RawConfig, path: KeyPath, value: unknown): void {
  let current = config;
  for (const key of path.slice(0, -1)) {
    const next = asObject(current[key]);
    current[key] = next;
    current = next;
  }
  current[path[path.length - 1]] = value;
}
