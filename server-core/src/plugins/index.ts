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
export { startPluginRuntime } from './plugin-runtime';
export type { PluginSession, PluginSessions } from './plugin-sessions';
export type { PluginRuntime } from './plugin-runtime';
