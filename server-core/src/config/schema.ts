/**
 * The shape of the server's config file, with every default in one place. Objects are strict:
 * a misspelt key is an error rather than a silently ignored setting.
 */
import { z } from 'zod';

const HOSTNAME_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** A DNS hostname (XMPP domainpart): dot-separated labels of letters, digits and inner hyphens. */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

const port = z
  .number({ invalid_type_error: 'expected a port number from 0 to 65535 (0 picks a free port)' })
  .int('expected a whole port number from 0 to 65535')
  .min(0, 'expected a port number from 0 to 65535 (0 picks a free port)')
  .max(65535, 'expected a port number from 0 to 65535 (0 picks a free port)');

const bindHost = z.string({ invalid_type_error: 'expected an address to listen on, such as "0.0.0.0"' }).min(1, 'must not be empty');

const positiveMs = (what: string) =>
  z.number({ invalid_type_error: `expected ${what} in milliseconds` }).int(`expected whole milliseconds`).positive(`expected ${what} above 0`);

const count = (what: string, min = 1) =>
  z.number({ invalid_type_error: `expected ${what}` }).int(`expected a whole number`).min(min, `expected ${what} of at least ${min}`);

/** A listener is either its settings or `false` to turn it off. */
function listenerOrOff<T extends z.ZodTypeAny>(settings: T) {
  return z.union([z.literal(false), settings], {
    errorMap: () => ({ message: 'expected false (off) or an object with the listener settings' }),
  });
}

const c2s = z
  .object({
    host: bindHost.default('0.0.0.0'),
    port: port.default(5222),
    requireTls: z.boolean().default(true),
  })
  .strict();

const c2sDirectTls = z.object({ host: bindHost.default('0.0.0.0'), port: port.default(5223) }).strict();

const websocket = z
  .object({
    host: bindHost.default('0.0.0.0'),
    port: port.default(5280),
    path: z.string().regex(/^\/\S*$/, 'expected a URL path starting with "/"').default('/xmpp-websocket'),
    tls: z.boolean().default(false),
  })
  .strict();

const allowedHost = z
  .string({ invalid_type_error: 'expected a host name, optionally with ":port", such as "admin.example.com"' })
  .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i, 'expected a host name, optionally with ":port", such as "admin.example.com" or "[2001:db8::1]:9090"');

const admin = z
  .object({
    host: bindHost.default('127.0.0.1'),
    port: port.default(9090),
    allowedHosts: z.array(allowedHost, { invalid_type_error: 'expected a list of host names' }).default([]),
  })
  .strict();

const listeners = z
  .object({
    c2s: listenerOrOff(c2s).default({}),
    c2sDirectTls: listenerOrOff(c2sDirectTls).default({}),
    websocket: listenerOrOff(websocket).default({}),
    admin: listenerOrOff(admin).default({}),
  })
  .strict();

const filePath = z.string({ invalid_type_error: 'expected a file path' }).min(1, 'must not be empty');

const tls = z
  .object({ certFile: filePath.optional(), keyFile: filePath.optional() })
  .strict()
  .superRefine((value, ctx) => {
    if (value.certFile && !value.keyFile) {
      ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'is required when tls.certFile is set (they go together)' });
    }
    if (value.keyFile && !value.certFile) {
      ctx.addIssue({ code: 'custom', path: ['certFile'], message: 'is required when tls.keyFile is set (they go together)' });
    }
  });

const storage = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('sqlite'), file: filePath.optional() }).strict(),
    z
      .object({
        kind: z.literal('postgres'),
        url: z
          .string({ required_error: 'is required for PostgreSQL storage, e.g. "postgres://user:pass@db:5432/aim"' })
          .regex(/^postgres(ql)?:\/\//, 'expected a URL starting with "postgres://"'),
        poolSize: count('a pool size').default(10),
      })
      .strict(),
  ],
  { errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'expected "sqlite" or "postgres"' } : { message: ctx.defaultError }) },
);

const hostAndPort = z.object({ host: z.string().min(1, 'must not be empty'), port }).strict();

const redis = z
  .object({
    url: z.string().regex(/^rediss?:\/\//, 'expected a URL starting with "redis://" or "rediss://"').optional(),
    host: z.string().min(1, 'must not be empty').optional(),
    port: port.optional(),
    sentinels: z.array(hostAndPort).min(1, 'expected at least one sentinel').optional(),
    name: z.string().min(1, 'must not be empty').optional(),
    clusterNodes: z.array(hostAndPort).min(1, 'expected at least one cluster node').optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const modes = (['url', 'host', 'sentinels', 'clusterNodes'] as const).filter((key) => value[key] !== undefined);
    if (modes.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [modes[1]],
        message: `cannot be combined with ${modes[0]}; use one of url, host/port, sentinels or clusterNodes`,
      });
    }
    if (value.sentinels && !value.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required with sentinels (the Sentinel master name)' });
    }
  });

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const cluster = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }).strict(),
    z
      .object({
        kind: z.literal('redis'),
        nodeId: z.string().regex(NODE_ID, 'expected 1 to 64 letters, digits, ".", "_" or "-"').optional(),
        namespace: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/, 'expected 1 to 32 letters, digits, ":", "_" or "-"').default('aim'),
        redis: redis.default({}),
        leaseMs: z.number({ invalid_type_error: 'expected milliseconds' }).int('expected whole milliseconds').min(500, 'expected at least 500 ms').default(2500),
      })
      .strict(),
  ],
  { errorMap: (issue, ctx) => (issue.code === 'invalid_union_discriminator' ? { message: 'expected "none" or "redis"' } : { message: ctx.defaultError }) },
);

const auth = z
  .object({
    allowPlainWithoutTls: z.boolean().default(false),
    scramIterations: count('an iteration count', 1024).max(1_000_000, 'expected at most 1000000 iterations').default(4096),
    loginFailureDelayMs: z.number().int('expected whole milliseconds').min(0, 'expected 0 or more milliseconds').default(1000),
    revocationCheckMs: positiveMs('an interval').default(30000),
  })
  .strict();

const limits = z
  .object({
    maxStanzaBytes: count('a size in bytes', 1024).default(262144),
    maxXmlDepth: count('a depth', 4).default(64),
    maxXmlAttributes: count('an attribute count', 8).default(64),
    streamSetupTimeoutMs: positiveMs('a timeout').default(30000),
    preAuthIdleTimeoutMs: positiveMs('a timeout').default(10000),
    connectionsPerAddress: count('a connection count (0 turns the limit off)', 0).default(100),
    unauthenticatedPerAddress: count('a connection count (0 turns the limit off)', 0).default(20),
    offlineMessagesPerUser: count('a message count', 0).default(100),
    offlineBytesPerUser: count('a size in bytes', 0).default(16 * 1024 * 1024),
    rosterItemsPerUser: count('an item count').default(10000),
    blocklistItemsPerUser: count('an item count').default(5000),
    maxVCardBytes: count('a size in bytes', 1024).default(192 * 1024),
    pepNodesPerUser: count('a node count').default(32),
    maxPepItemBytes: count('a size in bytes', 1024).default(32 * 1024),
    keepaliveIntervalMs: positiveMs('an interval').default(60000),
    idleTimeoutMs: positiveMs('a timeout').default(300000),
    maxSessionsPerUser: count('a session count').default(10),
    loginAttemptsPerMinute: count('an attempt count (0 turns the limit off)', 0).default(20),
    loginFailuresPerAccountPerMinute: count('a failure count (0 turns the limit off)', 0).default(10),
    loginFailuresPerAccountAndAddressPerMinute: count('a failure count (0 turns the limit off)', 0).default(5),
    loginTrustedAddressMs: positiveMs('a duration').default(24 * 60 * 60 * 1000),
    capsQueryTimeoutMs: positiveMs('a timeout').default(10000),
  })
  .strict();

const PLUGIN_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

const plugin = z
  .object({
    name: z.string({ required_error: 'is required (the plugin name)' }).regex(PLUGIN_NAME, 'expected a lowercase plugin name such as "asterisk-im"'),
    path: filePath.optional(),
    enabled: z.boolean().default(true),
    config: z.record(z.unknown()).default({}),
  })
  .strict();

const plugins = z
  .array(plugin)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((entry, index) => {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `plugin "${entry.name}" is listed twice` });
      seen.add(entry.name);
    });
  });

/** A core feature module's state in the config file, e.g. `"modules": { "blocking": { "enabled": false } }`. */
const coreModule = z
  .object({
    enabled: z.boolean({ invalid_type_error: 'expected true or false' }).default(true),
    config: z.record(z.unknown()).default({}),
  })
  .strict();

const modules = z.record(z.string(), coreModule).default({});

const log = z
  .object({
    level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        errorMap: () => ({ message: 'expected one of fatal, error, warn, info, debug, trace, silent' }),
      })
      .default('info'),
  })
  .strict();

export const configFileSchema = z
  .object({
    domain: z
      .string({ invalid_type_error: 'expected a hostname such as "chat.example.com"' })
      .refine(isHostname, { message: 'expected a hostname such as "chat.example.com"', params: { showValue: true } })
      .transform((value) => value.toLowerCase())
      .default('localhost'),
    dataDir: filePath.default('./data'),
    listeners: listeners.default({}),
    tls: tls.default({}),
    storage: storage.default({ kind: 'sqlite' }),
    cluster: cluster.default({ kind: 'none' }),
    auth: auth.default({}),
    limits: limits.default({}),
    plugins,
    modules,
    log: log.default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.cluster.kind === 'redis' && config.storage.kind === 'sqlite') {
      ctx.addIssue({
        code: 'custom',
        path: ['storage', 'kind'],
        message:
          'a cluster needs a shared PostgreSQL database; the embedded SQLite file cannot be shared between nodes. ' +
          'Set storage to { "kind": "postgres", "url": "postgres://..." } or cluster to { "kind": "none" }',
      });
    }
    reportSharedPorts(config.listeners, ctx);
  });

/** Two listeners on one port fail at bind time with a vague EADDRINUSE; say which ones clash. */
function reportSharedPorts(value: z.output<typeof listeners>, ctx: z.RefinementCtx): void {
  const owners = new Map<number, string>();
  for (const [name, settings] of Object.entries(value)) {
    if (settings === false || settings.port === 0) continue;
    const owner = owners.get(settings.port);
    if (owner) {
      ctx.addIssue({ code: 'custom', path: ['listeners', name, 'port'], message: `port ${settings.port} is already used by listeners.${owner}` });
    } else {
      owners.set(settings.port, name);
    }
  }
}

/** The config file as validated, before paths are resolved. */
export type ConfigFile = z.output<typeof configFileSchema>;
