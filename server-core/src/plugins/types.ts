/**
 * The typed surface plugin authors write against: a plugin definition and the context its
 * `start` receives. Everything registered through the context belongs to the plugin's scope
 * and is undone (newest first) when the plugin stops.
 */
import type { Element } from 'ltx';
import type { z } from 'zod';
import type { Logger } from '../log';
import type { Database, Migration } from '../storage';
import type { PluginUsers } from './plugin-users';
import type { ClusterCache, ClusterEvents, CacheOptions, JsonValue, TaskOptions, TaskResult, MessageHandler } from '../cluster/types';
import type { JsonShaped } from '../cluster/jsonify';
import type { CoreEvents } from '../core/core-context';
import type { InterceptorContext, InterceptorVerdict, IqRequest, IqScope } from '../routing';
import type { ClientSession } from '../session';
import type { Jid } from '../xml';
import type { PluginSession, PluginSessions } from './plugin-sessions';
import type { PepService } from '../core/pep-api';
import type { PluginMetrics } from './plugin-metrics';
import type { PluginConsole } from './plugin-console';
import type { TimerHandle } from '../lifecycle/scope';
import type { ServiceMap, ServiceName, ServiceRef } from '../core/service-registry';
import type { PluginLostNode } from './plugin-node-loss';
import type { PluginStreamFeatures } from './plugin-stream-features';

/**
 * `C` is the config type (from the schema), `S` what `start` returns: the plugin's own state,
 * handed to `reconfigure` and `stop`, so a plugin keeps nothing in module-level variables.
 */
export interface PluginDefinition<C = unknown, S = void> {
  /** Lowercase, e.g. "motd" or "@acme/phonebook"; also names the plugin's migrations and admin routes. */
  name: string;
  version: string;
  description?: string;
  /** Validates the plugin's config (from the config file, the admin API or the CLI). */
  configSchema: z.ZodType<C, z.ZodTypeDef, unknown>;
  /** The plugin's own tables, numbered 1, 2, 3...; applied before every start. */
  migrations?: Migration[];
  /**
   * Services that must be provided (by a running module) before this one starts; read them
   * with `ctx.use`. A module providing one of them cannot be disabled while this one runs.
   */
  depends?: readonly ServiceName[];
  /** Services used when present (`ctx.useOptional`); their provider may stop and start at any time. */
  optional?: readonly ServiceName[];
  /** Services this module offers through `ctx.provide`; each must be provided by the end of `start`. */
  provides?: readonly ServiceName[];
  /** Registers everything through ctx; what it returns (or resolves with) is the plugin's state. */
  start(ctx: PluginContext<C>): Promise<S> | S;
  /** Runs before the scope undoes the plugin's registrations; `state` is what `start` returned. */
  stop?(ctx: PluginContext<C>, state: S): Promise<void> | void;
  /**
   * Present: a new config is applied live (ctx.config.value is replaced and its `change`
   * event fires before this hook runs). Absent: the plugin is stopped and started again.
   * `state` is what `start` returned.
   */
  reconfigure?(ctx: PluginContext<C>, next: C, previous: C, state: S): Promise<void> | void;
}

/** Gives plugin authors the config type from the schema and the state type from `start` without writing them twice. */
export function definePlugin<C, S = void>(definition: PluginDefinition<C, S>): PluginDefinition<C, S> {
  return definition;
}

/** The core's session events as plugins hear them: each session is a read-only view. */
export type PluginEvents = {
  [E in keyof CoreEvents]: CoreEvents[E] extends (session: ClientSession, ...rest: infer R) => void ? (session: PluginSession, ...rest: R) => void : never;
};

/** Where a stanza a plugin's interceptor sees comes from or goes to. */
export interface PluginInterceptorContext extends Omit<InterceptorContext, 'session'> {
  session: PluginSession;
}

/** An IQ a plugin's handler answers; `session` is the sending session when it is on this node. */
export interface PluginIqRequest extends Omit<IqRequest, 'session'> {
  session?: PluginSession;
}

/**
 * Answers an IQ get/set. Return a payload element for the result (or nothing for an empty
 * result); throw a StanzaError to answer with an error.
 */
export type PluginIqHandler = (request: PluginIqRequest) => Promise<Element | void> | Element | void;

export interface PluginInterceptor {
  /** For logs; the host prefixes it with the plugin name. */
  name: string;
  /** Higher runs first; default 0. */
  priority?: number;
  /** Which stanzas to see; default 'both'. */
  direction?: 'incoming' | 'outgoing' | 'both';
  intercept(stanza: Element, context: PluginInterceptorContext): InterceptorVerdict;
}

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
}

export interface DiscoItem {
  jid: string;
  name?: string;
  node?: string;
}

/** A component: an address of its own (e.g. `echo.example.com`) that answers disco itself. */
export interface ComponentOptions {
  /** Shown in the server's disco#items and as the default identity name. */
  name?: string;
  /** Default: one identity { category: 'component', type: 'generic', name }. */
  identities?: DiscoIdentity[];
  /** disco#info features besides disco#info and disco#items themselves. */
  features?: string[];
  /** disco#items of the component (a function is asked on every request). */
  items?: DiscoItem[] | (() => DiscoItem[]);
  /** IQ get/set handlers by payload namespace. Unknown namespaces get service-unavailable. */
  iq?: Record<string, PluginIqHandler>;
  message?(stanza: Element, from: Jid, to: Jid): Promise<void> | void;
  presence?(stanza: Element, from: Jid, to: Jid): Promise<void> | void;
}

export interface PluginComponent {
  /** The full address, e.g. `echo.example.com`. */
  readonly domain: string;
  /** Routes a stanza from the component (sets `from` to the component when absent). */
  send(stanza: Element): Promise<void>;
}

export interface AdminRequest {
  method: string;
  /** The path below the plugin's mount point, e.g. `/status`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
}

/**
 * A route answers with a JSON value (status 200), nothing (204) or an explicit status and body.
 * `T` is any JSON-shaped type (see `Jsonify`), interfaces included.
 */
export type AdminRouteResult<T = JsonValue> = T | void | { status: number; body: T };
export type AdminRouteHandler<T = JsonValue> = (request: AdminRequest) => Promise<AdminRouteResult<T>> | AdminRouteResult<T>;

/** A task handler answering with any JSON-shaped type. */
export type PluginTaskHandler<R = JsonValue> = (payload: JsonValue, fromNode: string) => R | void | Promise<R | void>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export type { TimerHandle };

/** The plugin's view of the cluster; names of caches, tasks and topics are private to the plugin. */
export interface PluginCluster {
  readonly nodeId: string;
  isSenior(): boolean;
  seniorId(): string | null;
  members(): string[];
  on<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): () => void;
  /**
   * Entry listeners added to the returned cache are removed on stop; the entries stay. `V` is
   * any JSON-shaped type (interfaces included): `createCache<TrappedEntry>('trapped')`.
   */
  createCache<V extends JsonShaped<V> = JsonValue>(name: string, options?: CacheOptions): ClusterCache<V>;
  /** The handler's answer is any JSON-shaped type; payloads come from other nodes: validate them. */
  registerTask<R extends JsonShaped<R> = JsonValue>(name: string, handler: PluginTaskHandler<R>): () => void;
  runOnAll(name: string, payload: JsonValue, options?: TaskOptions): Promise<TaskResult[]>;
  runOnNode(nodeId: string, name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined>;
  runOnSenior(name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined>;
  send(nodeId: string, topic: string, payload: string): void;
  onMessage(topic: string, handler: MessageHandler): () => void;
  /**
   * Cleans the plugin's own state of a node that left without cleaning up (crash, kill, lost
   * link), or that left holding nothing: called once per lost node, on the senior only, after
   * the node's routes are removed and before its users' contacts are told they went offline.
   */
  onNodeLost(handler: (lost: PluginLostNode) => Promise<void> | void): () => void;
}

export interface PluginConfig<C> {
  readonly value: C;
  /** Fires on live reconfiguration (plugins with a `reconfigure` hook). */
  on(event: 'change', listener: (next: C, previous: C) => void): () => void;
}

/** Routing for plugins: send stanzas, never replace the server's own routing. */
export interface PluginRouter {
  /**
   * Routes a stanza whose `from` the plugin vouches for: the `from` argument, else the stanza's
   * own `from`, else the server's domain. The chosen sender is stamped on the stanza.
   */
  route(stanza: Element, from?: Jid): Promise<void>;
  /** Delivers to one online resource on any node; false when it is not online. */
  deliverToResource(fullJid: string, stanza: Element): boolean;
  /** Full JIDs of a user's resources bound on any node (from the replicated route table). */
  resourcesOf(bareJid: string): string[];
}

export interface PluginContext<C = unknown> {
  readonly name: string;
  /** The server's XMPP domain. */
  readonly domain: string;
  readonly nodeId: string;
  readonly logger: Logger;
  readonly config: PluginConfig<C>;
  readonly db: Database;
  /** Read-only: whether an account exists, roster entries, who may see whose presence. */
  readonly users: PluginUsers;
  /** This node's sessions as read-only views, and the verbs a plugin may use on them. */
  readonly sessions: PluginSessions;
  readonly router: PluginRouter;
  readonly cluster: PluginCluster;
  interceptors: { add(interceptor: PluginInterceptor): () => void };
  iq: { register(scope: IqScope, namespace: string, handler: PluginIqHandler): () => void };
  components: {
    /** `'phone'` means `phone.<domain>`; a name with dots is taken as the full address. */
    register(address: string, options: ComponentOptions): PluginComponent;
  };
  disco: {
    addFeature(feature: string): () => void;
    addItem(item: DiscoItem): () => void;
  };
  events: { on<E extends keyof PluginEvents>(event: E, listener: PluginEvents[E]): () => void };
  /**
   * Personal eventing (XEP-0163) on behalf of local users, when the server has it. Items a
   * plugin publishes are the users' items: they stay after the plugin stops.
   */
  readonly pep?: PepService;
  admin: { route<T extends JsonShaped<T> = JsonValue>(method: HttpMethod, path: string, handler: AdminRouteHandler<T>): () => void };
  timers: {
    setTimeout(callback: () => unknown, ms: number): TimerHandle;
    setInterval(callback: () => unknown, ms: number): TimerHandle;
  };
  /** For anything else the plugin owns (sockets, child processes): run at stop, newest first. */
  onStop(undo: () => unknown): void;
  /** Counters, gauges and histograms on the server's `/metrics`; removed when the plugin stops. */
  readonly metrics: PluginMetrics;
  /** Admin console pages and the scripts and styles they load; removed when the plugin stops. */
  readonly console: PluginConsole;
  /** Offers a service named in `provides`; withdrawn when the module stops. */
  provide<K extends ServiceName>(name: K, impl: ServiceMap[K]): void;
  /** A service named in `depends` (always there while this module runs): resolve it once, in `start`. */
  use<K extends ServiceName>(name: K): ServiceMap[K];
  /** A service named in `optional`: `current` is undefined while no module provides it. */
  useOptional<K extends ServiceName>(name: K): ServiceRef<ServiceMap[K]>;
  /** Stream features (advertised in `<stream:features/>`, answering nonzas); removed when the plugin stops. */
  readonly streamFeatures: PluginStreamFeatures;
}

export type PluginState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

/** What the host reports about one plugin; secrets in `config` are masked. */
export interface PluginInfo {
  name: string;
  version: string | null;
  description: string | null;
  /** Folder path or npm package name it was loaded from. */
  source: string;
  enabled: boolean;
  /** A feature of the server itself (started before the plugins, stopped after them). */
  core: boolean;
  state: PluginState;
  /** Why it failed to load or start. */
  error: string | null;
  config: JsonValue;
}
