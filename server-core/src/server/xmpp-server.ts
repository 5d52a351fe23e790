import tls from 'node:tls';
import type { ServerConfig } from '../config';
import { AggregatedWarnings, createLogger, type Logger } from '../log';
import { openStorage } from '../storage';
import type { Database } from '../storage';
import type { Stores } from '../storage/stores';
import { createCluster, type Cluster } from '../cluster';
import { ensureCertificate } from '../transport/self-signed-certificate';
import { listenTcp, listenDirectTls, listenWebSocket, type Listener, type Connection, type BoundAddress } from '../transport';
import { ClientStream, StreamError, StreamFeatures, addCoreStreamFeatures, type StreamHost } from '../stream';
import { StanzaRouter, IqHandlers, InterceptorChain } from '../routing';
import { LocalSessions, RouteTable, type ClientSession } from '../session';
import { StanzaError } from '../xml';
import type { CoreContext, CoreEvents } from '../core/core-context';
import { SessionManager } from '../session/session-manager';
import { SessionEnding } from '../session/session-ending';
import { RevokedCredentialsSweep } from './revoked-credentials';
import { createSaslAuthenticator } from './sasl-authenticator';
import { StreamSweeper } from './stream-sweeper';
import { AddressLimits, type AddressRefusal } from './address-limits';
import { LoginThrottle } from '../auth';
import { loginThrottleLimits } from '../auth/login-throttle-limits';
import { deliverThroughModules, CORE_MODULES } from './modules';
import { EventBus } from '../lifecycle/event-bus';
import { ServiceRegistry } from '../core/service-registry';
import { CachedRosterStore } from '../im/cached-roster-store';
import { NodeLossHandler } from './node-loss';
import { NodeLostHandlers } from '../cluster/node-lost-handlers';
import { PublicRoutes } from '../http';
import { startPluginRuntime } from './plugin-runtime';
import type { SetupLink } from '../admin/console/setup-token';
import { PluginHost } from '../plugins/plugin-host';
import type { PluginRuntime } from './plugin-runtime';

export interface StartServerOptions {
  logger?: Logger;
  /** A cluster to join instead of the one the config describes (tests, embedding). */
  cluster?: Cluster;
}

export interface RunningServer {
  readonly domain: string;
  readonly addresses: Record<string, BoundAddress>;
  readonly context: CoreContext;
  readonly db: Database;
  /** The plugin host: list, enable, disable, reconfigure and install plugins at run time. */
  readonly plugins: PluginHost;
  /** The one-time setup page and token while no administrator exists (admin listener on). */
  readonly setup: SetupLink | undefined;
  /** Where the admin API token is kept, when the admin listener is on. */
  readonly adminTokenFile: string | undefined;
  stop(): Promise<void>;
}

/** Starts one node: storage, cluster membership, listeners. Stop it with `stop()`. */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const certificate = await ensureCertificate(config, logger);
  const secureContext = tls.createSecureContext({ cert: certificate.cert, key: certificate.key });
  const { db, stores } = await openStorage(config.storage, { scramIterations: config.auth.scramIterations });
  const cluster = options.cluster ?? createCluster(config.cluster, logger);
  await cluster.start();

  const ctx = createContext(config, logger, stores, cluster, { cert: certificate.cert, key: certificate.key });
  const sessionManager = new SessionManager(ctx);
  deliverThroughModules(ctx);
  const presence = ctx.services.ref('presence');
  const nodeLoss = new NodeLossHandler(ctx, { resourceLost: async (fullJid) => presence.current?.resourceLost(fullJid) });
  nodeLoss.install();
  const sweeper = new StreamSweeper(config.limits);
  const addressLimits = new AddressLimits(config.limits);
  const revokedCredentials = new RevokedCredentialsSweep(ctx, config.auth.revocationCheckMs);
  const loginThrottle = new LoginThrottle(loginThrottleLimits(config));
  const loginWarnings = new AggregatedWarnings(logger);
  addCoreStreamFeatures(ctx.streamFeatures, {
    authenticator: createSaslAuthenticator({
      domain: config.domain,
      accounts: stores.accounts,
      allowPlainWithoutTls: config.auth.allowPlainWithoutTls,
      failureDelayMs: config.auth.loginFailureDelayMs,
      throttle: loginThrottle,
      warnings: loginWarnings,
    }),
    requireTls: config.listeners.c2s ? config.listeners.c2s.requireTls : true,
    maxAuthFailures: 3,
    logger,
  });
  const host: StreamHost = {
    domain: config.domain,
    logger,
    options: {
      maxStanzaBytes: ctx.limits.maxStanzaBytes,
      maxDepth: ctx.limits.maxXmlDepth,
      maxAttributes: ctx.limits.maxXmlAttributes,
      maxPendingWriteBytes: ctx.limits.maxPendingWriteBytes,
    },
    features: ctx.streamFeatures,
    bindSession: (stream, username, resource) => sessionManager.bind(stream, username, resource),
    streamAuthenticated: (stream) => addressLimits.authenticated(stream.connection.remoteAddress),
    streamClosed: (stream) => {
      if (sweeper.remove(stream)) addressLimits.released(stream.connection.remoteAddress, stream.authenticatedUser !== undefined);
    },
  };
  const accept = (connection: Connection) => {
    const refusal = addressLimits.admit(connection.remoteAddress);
    const stream = new ClientStream(connection, host);
    if (refusal) stream.close(new StreamError('policy-violation', REFUSALS[refusal]));
    else sweeper.add(stream);
  };

  const listeners: Record<string, Listener> = {};
  const l = config.listeners;
  const modules = new PluginHost({ core: ctx, db, entries: config.plugins, coreModules: CORE_MODULES, moduleEntries: config.modules, baseDir: process.cwd(), logger });
  let pluginRuntime: PluginRuntime;
  try {
    await nodeLoss.purgeStaleRoutesOfThisNode();
    // The core's modules run before the first client connects, and stop after the last one left.
    await modules.startCore();
    if (l.c2s) listeners.c2s = await listenTcp(l.c2s.host, l.c2s.port, secureContext, accept);
    if (l.c2sDirectTls) listeners.c2sDirectTls = await listenDirectTls(l.c2sDirectTls.host, l.c2sDirectTls.port, certificate, accept);
    if (l.websocket) {
      listeners.websocket = await listenWebSocket(l.websocket.host, l.websocket.port, l.websocket.path, config.limits.maxStanzaBytes, accept, (req, res) => ctx.publicRoutes.handle(req, res));
      ctx.publicRoutes.listening(listeners.websocket.address.port, l.websocket.tls);
    }
    // Plugins start once clients can connect, and stop first on shutdown.
    pluginRuntime = await startPluginRuntime(config, ctx, modules, logger);
  } catch (err) {
    await Promise.all(Object.values(listeners).map((listener) => listener.close()));
    await modules.stopCore();
    await nodeLoss.dispose();
    await cluster.stop();
    await db.close();
    throw err;
  }
  const addresses: Record<string, BoundAddress> = Object.fromEntries(Object.entries(listeners).map(([name, listener]) => [name, listener.address]));
  if (pluginRuntime.adminAddress) addresses.admin = pluginRuntime.adminAddress;
  logger.info({ domain: config.domain, node: cluster.nodeId, addresses, certificate: certificate.certFile }, 'server started');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('server stopping');
      // Another node takes over the senior's duties (such as the external links a plugin holds) while this one winds down.
      await cluster.handOverSeniority();
      await pluginRuntime.stop();
      // Stop accepting first; a listener finishes closing only once its connections are gone.
      const listenersClosed = Promise.all(Object.values(listeners).map((listener) => listener.close()));
      for (const stream of [...sweeper.all()]) stream.close(new StreamError('system-shutdown'));
      // Sessions stream management keeps without a connection cannot be resumed on a node going down: they end now.
      for (const session of [...ctx.sessions.all()]) if (session.isDetached) void session.end();
      await waitForSessionsToEnd(ctx.sessions, 2000);
      await listenersClosed;
      sweeper.dispose();
      loginThrottle.dispose();
      loginWarnings.dispose();
      revokedCredentials.dispose();
      await nodeLoss.dispose();
      await modules.stopCore();
      ctx.sessionEnding.dispose();
      ctx.router.dispose();
      await cluster.stop();
      await db.close();
      logger.info('server stopped');
    })());

  return { domain: config.domain, addresses, context: ctx, db, plugins: pluginRuntime.plugins, setup: pluginRuntime.setup, adminTokenFile: pluginRuntime.adminTokenFile, stop };
}

const REFUSALS: Record<AddressRefusal, string> = {
  'too-many-connections': 'too many connections from your address',
  'too-many-unauthenticated': 'too many unauthenticated connections from your address',
};

function createContext(config: ServerConfig, logger: Logger, storedOnly: Stores, cluster: Cluster, tlsCredentials: CoreContext['tlsCredentials']): CoreContext {
  const stores: Stores = { ...storedOnly, rosters: new CachedRosterStore(storedOnly.rosters, cluster) };
  const sessions = new LocalSessions();
  const routes = new RouteTable(cluster);
  const iqHandlers = new IqHandlers();
  const router = new StanzaRouter({ domain: config.domain, sessions, routes, cluster, iqHandlers, logger });
  return {
    domain: config.domain,
    nodeId: cluster.nodeId,
    dataDir: config.dataDir,
    tlsCredentials,
    logger,
    stores,
    cluster,
    sessions,
    routes,
    router,
    iqHandlers,
    interceptors: new InterceptorChain(logger),
    events: new EventBus<CoreEvents>(logger),
    sessionEnding: new SessionEnding(sessions, routes, cluster, logger),
    nodeLost: new NodeLostHandlers(logger.child({ component: 'node-loss' })),
    streamFeatures: new StreamFeatures(),
    publicRoutes: new PublicRoutes(config.listeners.websocket ? config.listeners.websocket.path : undefined),
    limits: {
      offlineMessagesPerUser: config.limits.offlineMessagesPerUser,
      offlineBytesPerUser: config.limits.offlineBytesPerUser,
      rosterItemsPerUser: config.limits.rosterItemsPerUser,
      blocklistItemsPerUser: config.limits.blocklistItemsPerUser,
      maxVCardBytes: config.limits.maxVCardBytes,
      pepNodesPerUser: config.limits.pepNodesPerUser,
      maxPepItemBytes: config.limits.maxPepItemBytes,
      maxSessionsPerUser: config.limits.maxSessionsPerUser,
      capsQueryTimeoutMs: config.limits.capsQueryTimeoutMs,
      maxStanzaBytes: config.limits.maxStanzaBytes,
      maxXmlDepth: config.limits.maxXmlDepth,
      maxXmlAttributes: config.limits.maxXmlAttributes,
      maxPendingWriteBytes: 4 * 1024 * 1024,
    },
    disco: { features: new Set(), accountFeatures: new Set(), identities: [{ category: 'server', type: 'im', name: 'Asterisk-IM' }], items: [] },
    services: new ServiceRegistry(),
    updateRoute: (session: ClientSession) =>
      routes.set(session.fullJid, { node: cluster.nodeId, priority: session.priority, available: session.available }),
  };
}

async function waitForSessionsToEnd(sessions: LocalSessions, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

export { StanzaError };
