/**
 * The plugin host: loads plugin definitions, gives each a scoped context, and starts, stops,
 * reconfigures and installs them at run time, cluster-wide. See docs/plugins.md.
 */
export { definePlugin } from './types';
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
  PluginTaskHandler,
  PluginEvents,
  PluginIqHandler,
  PluginIqRequest,
  PluginInterceptorContext,
  AdminRouteResult,
  HttpMethod,
  TimerHandle,
  PluginInfo,
  PluginState,
} from './types';
export { PluginHost, PLUGIN_HOST_DEFAULTS } from './plugin-host';
export type { PluginHostOptions, PluginChange, NodeOutcome } from './plugin-host';
export { PluginError } from './plugin-errors';
export type { PluginErrorKind, ConfigIssue } from './plugin-errors';
export { maskSecrets } from './mask-secrets';
export { componentDomain } from './plugin-component';
export { PluginRoutes } from './plugin-routes';
// The extension points (docs/plugins.md, "Extension points") and what plugins build with there.
export type { PluginMetrics } from './plugin-metrics';
export { definePluginCli } from './plugin-cli';
export type { PluginCli, PluginCommand, PluginCommandGroup, PluginCommandInput } from './plugin-cli';
export { CliError } from '../command/command';
export type { OptionSpec, ArgumentSpec } from '../command/command';
export type { PluginConsole } from './plugin-console';
export type { ConsolePageSpec, ConsolePageView } from './console-extensions';
export { html, raw, type RawHtml } from '../http/html';
export { formField, formError } from '../http/form-parts';
export type { PluginLostNode } from './plugin-node-loss';
export type { PluginStreamFeatures } from './plugin-stream-features';
export type { StreamFeature, FeatureStream, StreamPhase } from '../stream/stream-features';
export { StreamError } from '../stream/stream-errors';
export type { PluginSession, PluginSessions } from './plugin-sessions';
