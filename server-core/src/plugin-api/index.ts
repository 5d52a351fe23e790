/**
 * The public plugin API: `@asterisk-im/server-core` resolves here, and it is the only module a
 * plugin imports from the server (test kits import `@asterisk-im/server-core/testing`). What is
 * not exported here is internal and may change without notice. See docs/plugins.md.
 */

// Defining a plugin and the context its `start` receives.
export { definePlugin } from '../plugins/types';
export type {
  PluginDefinition,
  PluginContext,
  PluginInterceptor,
  PluginCluster,
  PluginConfig,
  PluginRouter,
  PluginComponent,
  ComponentOptions,
  DiscoIdentity,
  DiscoItem,
  AdminRequest,
  AdminRouteHandler,
  AdminRouteResult,
  HttpMethod,
  TimerHandle,
  PluginTaskHandler,
  PluginEvents,
  PluginIqHandler as IqHandler,
  PluginIqRequest as IqRequest,
  PluginInterceptorContext as InterceptorContext,
} from '../plugins/types';
export type { PluginSession, PluginSessions } from '../plugins/plugin-sessions';
export type { IqScope } from '../routing/iq-handlers';
export type { InterceptorVerdict } from '../routing/packet-interceptors';

// Addresses, stanzas and stanza errors.
export { parseJid, tryParseJid, makeJid, bareOf, JidError } from '../xml/jid';
export type { Jid } from '../xml/jid';
export { NS } from '../xml/namespaces';
export { StanzaError, errorReply, iqResult, xmlnsOf } from '../xml/stanza';
export type { StanzaErrorType, StanzaErrorCondition } from '../xml/stanza';

// Admin routes answer errors with an HTTP status.
export { HttpError } from '../http/http-error';
export { parseBody } from '../http/json-body';
export { describeIssues } from '../config/format-issues';
export type { Issue } from '../config/format-issues';

// Logging.
export { silentLogger } from '../log/logger';
export type { Logger } from '../log/logger';
export { AggregatedWarnings } from '../log/aggregated-warnings';
export type { AggregatedWarningsOptions } from '../log/aggregated-warnings';

// The cluster as plugins see it through ctx.cluster.
export { RESYNC_ORIGIN, FencedWriteError } from '../cluster/cache';
export { LOST_NODE_GRACE_MS } from '../server/node-loss';
export { toJsonValue } from '../cluster/jsonify';
export type { Jsonify, JsonShaped } from '../cluster/jsonify';
export type { JsonValue, ClusterCache, CacheOptions, ClusterEvents, TaskHandler, TaskOptions, TaskResult, MessageHandler } from '../cluster/types';

// Durable data through ctx.db and ctx.stores.
export type { Database, Migration, Queryable, Row, SqlValue } from '../storage/types';
export { isUniqueViolation, isForeignKeyViolation } from '../storage/sql-errors';
export type { PluginUsers, PluginRosterItem } from '../plugins/plugin-users';
export type { ServiceMap, ServiceName, ServiceRef } from '../core/service-registry';

// Personal eventing through ctx.pep.
export type { PepItem, PepService, PepNodeConfig, PepAccessModel, PepSendLast, PepPublishedListener } from '../core/pep-api';

// Metrics in the process-wide registry `/metrics` renders.
export { counter, gauge, histogram } from '../metrics/registry';
export type { MetricSpec, HistogramSpec } from '../metrics/registry';

// Extension points: command-line commands, metrics, console pages, stream features, node loss.
export { definePluginCli } from '../plugins/plugin-cli';
export type { PluginCli, PluginCommand, PluginCommandGroup, PluginCommandInput } from '../plugins/plugin-cli';
export { CliError } from '../command';
export type { OptionSpec, ArgumentSpec } from '../command';
export type { PluginMetrics } from '../plugins/plugin-metrics';
export type { PluginConsole } from '../plugins/plugin-console';
export type { ConsolePageSpec, ConsolePageView } from '../plugins/console-extensions';
export { html, raw, type RawHtml } from '../http/html';
export { formField, formError } from '../http/form-parts';
export type { PluginLostNode } from '../plugins/plugin-node-loss';
export type { PluginStreamFeatures } from '../plugins/plugin-stream-features';
export type { StreamFeature, FeatureStream, StreamPhase } from '../stream/stream-features';
export { StreamError } from '../stream/stream-errors';
export type { StreamErrorCondition } from '../stream/stream-errors';
