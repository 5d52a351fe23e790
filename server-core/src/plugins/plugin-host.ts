import path from 'node:path';
import type { Logger } from '../log';
import type { Database } from '../storage';
import { runMigrations } from '../storage';
import { AsyncLock } from '../storage/async-lock';
import type { CoreContext, CoreEvents } from '../core/core-context';
import type { IqHandler, IqScope } from '../routing';
import type { ServerConfig } from '../config';
import type { Disposable, JsonValue, TaskResult } from '../cluster/types';
import { PluginRoutes } from './plugin-routes';
import { ConsoleExtensions } from './console-extensions';
import { bundledPluginFolder } from './bundled-plugins';
import { PluginConfigHandle, validatePluginConfig } from './plugin-config';
import { createPluginContext } from './plugin-context';
import { PluginError } from './plugin-errors';
import { isPathSource, loadPluginDefinition, migrationOwner } from './plugin-loader';
import { Scope } from '../lifecycle/scope';
import { PluginStore, type StoredPlugin } from './plugin-store';
import { maskSecrets, restoreMaskedSecrets } from './mask-secrets';
import type { PluginContext, PluginDefinition, PluginInfo, PluginState } from './types';
import type { CoreModuleDefinition } from './core-module';
import { dependencyOrder } from './module-order';

/** Every node applies a change by re-reading the plugin's row: the database is the one truth. */
const SYNC_TASK = 'plugin-host.sync';
export const PLUGIN_HOST_DEFAULTS = { startTimeoutMs: 30_000, syncTimeoutMs: 60_000 } as const;
/** The `source` stored for a core module: it comes with the server, not from a folder or package. */
const CORE_SOURCE = 'core';

export interface PluginHostOptions {
  core: CoreContext;
  db: Database;
  /** The config file's plugin list: the initial state, overridden by rows changed at run time. */
  entries: ServerConfig['plugins'];
  /** The server's own feature modules, hosted before the plugins. */
  coreModules?: readonly CoreModuleDefinition[];
  /** The config file's `modules` section: the initial state of core modules, like `entries` for plugins. */
  moduleEntries?: ServerConfig['modules'];
  /** Where relative plugin paths and npm package names are resolved from. */
  baseDir: string;
  logger: Logger;
  startTimeoutMs?: number;
  syncTimeoutMs?: number;
}

interface Running {
  ctx: PluginContext<unknown>;
  /** What the plugin's start returned, for its stop and reconfigure hooks. */
  state: unknown;
  scope: Scope;
  config: PluginConfigHandle<unknown>;
  /** The raw config it runs with, to notice a change. */
  raw: string;
}

interface PluginSlot extends StoredPlugin {
  /** A core module (its definition comes with the server and never reloads). */
  core: boolean;
  definition?: PluginDefinition<unknown, unknown>;
  loadedFrom?: string;
  state: PluginState;
  error: string | null;
  running?: Running;
}

/** What one node answered when a change was applied cluster-wide. */
export interface NodeOutcome {
  nodeId: string;
  ok: boolean;
  state?: PluginState;
  error?: string | null;
}

export interface PluginChange {
  plugin: PluginInfo;
  nodes: NodeOutcome[];
}

/**
 * Loads, starts and stops the core's modules and the plugins on one node, on one definition.
 * Core modules start first (startCore, before clients connect) and stop last (stopCore); each
 * group starts in dependency order and stops in reverse. Changes (enable, disable,
 * reconfigure, install) are written to the `plugins` table and then applied on every node
 * through a cluster task.
 */
export class PluginHost {
  readonly routes = new PluginRoutes();
  /** Console pages and assets the running plugins added. */
  readonly console = new ConsoleExtensions();
  private readonly slots = new Map<string, PluginSlot>();
  /** Running slots in the order they started: stopping goes the other way. */
  private startOrder: PluginSlot[] = [];
  private readonly lock = new AsyncLock();
  private readonly store: PluginStore;
  private readonly logger: Logger;
  private syncTask: Disposable | undefined;

  constructor(private readonly options: PluginHostOptions) {
    this.store = new PluginStore(options.db);
    this.logger = options.logger.child({ component: 'plugins' });
  }

  /** Core modules and plugins, in that order. */
  async start(): Promise<void> {
    await this.startCore();
    await this.startPlugins();
  }

  /** Reads the stored state and starts the core modules; a core module that fails to start fails the server. */
  async startCore(): Promise<void> {
    await this.store.migrate();
    const stored = new Map((await this.store.all()).map((row) => [row.name, row]));
    const core = dependencyOrder(this.options.coreModules ?? []);
    const known = new Set(core.map((definition) => definition.name));
    for (const name of Object.keys(this.options.moduleEntries ?? {})) {
      if (!known.has(name)) throw new PluginError('not-found', `modules.${name}: there is no core module of that name (there are ${[...known].join(', ')})`);
    }
    for (const definition of core) {
      const entry = this.options.moduleEntries?.[definition.name];
      const row = stored.get(definition.name) ?? { name: definition.name, source: CORE_SOURCE, enabled: entry?.enabled ?? definition.enabledByDefault ?? true, config: (entry?.config ?? {}) as JsonValue };
      this.slots.set(definition.name, { ...this.newSlot({ ...row, source: CORE_SOURCE }), core: true, definition: hostedCoreModule(definition), loadedFrom: CORE_SOURCE });
      stored.delete(definition.name);
    }
    for (const entry of this.options.entries) {
      if (known.has(entry.name)) throw new PluginError('already-installed', `plugins: "${entry.name}" is the name of a core module; configure it under modules.${entry.name}`);
      const row = stored.get(entry.name) ?? { name: entry.name, source: entry.path ?? entry.name, enabled: entry.enabled, config: entry.config as JsonValue };
      this.slots.set(entry.name, this.newSlot(row));
      stored.delete(entry.name);
    }
    for (const row of stored.values()) this.slots.set(row.name, this.newSlot(row));
    this.syncTask = this.options.core.cluster.registerTask(SYNC_TASK, async (payload) => this.applyStored(String((payload as { name?: unknown })?.name)));
    await this.lock.run(async () => {
      for (const slot of this.coreSlots()) {
        if (!slot.enabled) continue;
        await this.startSlot(slot);
        if (slot.state === 'failed') throw new PluginError('start-failed', `core module ${slot.name} failed to start: ${slot.error}`);
      }
    });
  }

  /** Loads and starts the enabled plugins, once clients can connect. */
  async startPlugins(): Promise<void> {
    await this.lock.run(async () => {
      const slots = [...this.slots.values()].filter((slot) => !slot.core);
      for (const slot of slots) this.load(slot);
      const loaded = slots.filter((slot) => slot.definition);
      const ordered = dependencyOrder(loaded.map((slot) => ({ ...slot.definition!, slot }))).map((entry) => entry.slot);
      for (const slot of ordered) if (slot.enabled) await this.startSlot(slot);
    });
  }

  /** Plugins, then core modules, each newest first. */
  async stop(): Promise<void> {
    await this.stopPlugins();
    await this.stopCore();
  }

  async stopPlugins(): Promise<void> {
    await this.lock.run(() => this.stopRunning(false));
  }

  async stopCore(): Promise<void> {
    this.syncTask?.dispose();
    this.syncTask = undefined;
    await this.lock.run(async () => {
      await this.stopRunning(false);
      await this.stopRunning(true);
    });
  }

  /** The plugins (not the core modules). */
  list(): PluginInfo[] {
    return [...this.slots.values()].filter((slot) => !slot.core).map((slot) => this.info(slot));
  }

  /** Core modules (in dependency order) and plugins, each with `core` telling which it is. */
  modules(): PluginInfo[] {
    return [...this.slots.values()].map((slot) => this.info(slot));
  }

  get(name: string): PluginInfo | undefined {
    const slot = this.slots.get(name);
    return slot && this.info(slot);
  }

  /** The config schema of a loaded plugin (the admin console builds its config form from it). */
  configSchema(name: string): PluginDefinition<unknown>['configSchema'] | undefined {
    return this.slots.get(name)?.definition?.configSchema;
  }

  /** A bundled plugin not yet known here is installed (with an empty config) by enabling it. */
  enable(name: string): Promise<PluginChange> {
    if (!this.slots.has(name) && bundledPluginFolder(name)) return this.install(name);
    return this.change(name, (slot) => ({ ...stored(slot), enabled: true }));
  }

  /** Refused while a running module depends on a service this one provides: disable those first. */
  disable(name: string): Promise<PluginChange> {
    return this.change(name, (slot) => {
      this.assertNotNeeded(slot);
      return { ...stored(slot), enabled: false };
    });
  }

  /** Validates first, so a bad config never reaches the database or any node. Masked secrets keep their value. */
  reconfigure(name: string, config: unknown): Promise<PluginChange> {
    return this.change(name, (slot) => {
      if (!slot.definition) throw new PluginError('not-loaded', `plugin ${name} is not loaded (${slot.error ?? 'unknown reason'}); fix its source first`);
      const merged = restoreMaskedSecrets(config, slot.config);
      validatePluginConfig(name, slot.definition.configSchema, merged);
      // Without a reconfigure hook it restarts, and what its dependants resolved would be stale.
      if (!slot.definition.reconfigure) this.assertNotNeeded(slot);
      return { ...stored(slot), config: merged as JsonValue };
    });
  }

  /** Registers a plugin from a folder or an installed npm package, enabled unless told otherwise. */
  async install(source: string, options: { enabled?: boolean; config?: unknown } = {}): Promise<PluginChange> {
    const definition = loadPluginDefinition(source, this.options.baseDir);
    if (this.slots.has(definition.name)) throw new PluginError('already-installed', `plugin ${definition.name} is already installed`);
    const config = (options.config ?? {}) as JsonValue;
    validatePluginConfig(definition.name, definition.configSchema, config);
    const absolute = isPathSource(source) ? path.resolve(this.options.baseDir, source) : source;
    await this.store.save({ name: definition.name, source: absolute, enabled: options.enabled ?? true, config });
    return this.broadcast(definition.name);
  }

  private async change(name: string, next: (slot: PluginSlot) => StoredPlugin): Promise<PluginChange> {
    const slot = this.slots.get(name);
    if (!slot) throw new PluginError('not-found', `no plugin named ${name}; install one with "plugin install <folder or package>"`);
    await this.store.save(next(slot));
    return this.broadcast(name);
  }

  private async broadcast(name: string): Promise<PluginChange> {
    const results: TaskResult[] = await this.options.core.cluster.runOnAll(SYNC_TASK, { name }, { timeoutMs: this.options.syncTimeoutMs ?? PLUGIN_HOST_DEFAULTS.syncTimeoutMs });
    const nodes = results.map((result): NodeOutcome => {
      if (!result.ok) return { nodeId: result.nodeId, ok: false, error: result.error };
      const value = (result.value ?? {}) as { state?: PluginState; error?: string | null };
      return { nodeId: result.nodeId, ok: value.state !== 'failed', state: value.state, error: value.error ?? null };
    });
    const plugin = this.get(name);
    if (!plugin) throw new PluginError('not-found', `no plugin named ${name}`);
    return { plugin, nodes };
  }

  /** The cluster task: bring this node's plugin to what its stored row says. */
  private async applyStored(name: string): Promise<JsonValue> {
    const row = (await this.store.all()).find((candidate) => candidate.name === name);
    if (!row) throw new Error(`plugin ${name} is not stored`);
    return this.lock.run(async () => {
      let slot = this.slots.get(name);
      if (!slot) this.slots.set(name, (slot = this.newSlot(row)));
      Object.assign(slot, { source: row.source, enabled: row.enabled, config: row.config });
      this.load(slot);
      await this.converge(slot);
      return { state: slot.state, error: slot.error };
    });
  }

  private async converge(slot: PluginSlot): Promise<void> {
    const wanted = slot.enabled && !!slot.definition;
    if (slot.running && !wanted) return this.stopSlot(slot, 'stopped');
    if (slot.running && slot.running.raw !== JSON.stringify(slot.config)) return this.reconfigureSlot(slot);
    if (!slot.running && wanted) return this.startSlot(slot);
    if (!slot.running && slot.state !== 'failed') slot.state = 'stopped';
  }

  private load(slot: PluginSlot): void {
    if (slot.definition && slot.loadedFrom === slot.source) return;
    try {
      const definition = loadPluginDefinition(slot.source, this.options.baseDir);
      if (definition.name !== slot.name) throw new PluginError('load-failed', `${slot.source} defines plugin "${definition.name}", not "${slot.name}"`);
      slot.definition = definition;
      slot.loadedFrom = slot.source;
    } catch (err) {
      slot.definition = undefined;
      this.fail(slot, err, 'plugin could not be loaded');
    }
  }

  private async startSlot(slot: PluginSlot): Promise<void> {
    const definition = slot.definition!;
    const kind = slot.core ? 'module' : 'plugin';
    const logger = this.options.logger.child({ [kind]: slot.name });
    const scope = new Scope(`${kind} ${slot.name}`, logger);
    slot.state = 'starting';
    slot.error = null;
    try {
      this.assertDependencies(slot);
      const config = new PluginConfigHandle(validatePluginConfig(slot.name, definition.configSchema, slot.config));
      scope.own(() => config.dispose());
      const core = this.options.core;
      const plain = createPluginContext({ name: slot.name, declared: definition, core, db: this.options.db, routes: this.routes, scope, config, logger, consoleExtensions: this.console });
      // A core module's definition takes the wider context (see CoreModuleDefinition).
      const hosted = slot.core
        ? {
            ...plain,
            core,
            iq: { register: (iqScope: IqScope, namespace: string, handler: IqHandler) => scope.own(core.iqHandlers.register(iqScope, namespace, handler)) },
            events: { on: <E extends keyof CoreEvents>(event: E, listener: CoreEvents[E]) => scope.own(core.events.on(event, listener)) },
          }
        : plain;
      const ctx = hosted as PluginContext<unknown>;
      if (definition.migrations?.length) await runMigrations(this.options.db, migrationOwner(slot.name), definition.migrations);
      const state = await this.withStartTimeout(slot.name, () => definition.start(ctx));
      for (const service of definition.provides ?? []) {
        if (core.services.ownerOf(service) !== slot.name) throw new PluginError('start-failed', `${kind} ${slot.name} lists "${service}" in provides but did not provide it`);
      }
      slot.running = { ctx, state, scope, config, raw: JSON.stringify(slot.config) };
      slot.state = 'running';
      this.startOrder.push(slot);
      logger.info({ version: definition.version }, `${kind} started`);
    } catch (err) {
      await scope.dispose();
      this.fail(slot, err, 'plugin failed to start; its registrations were undone');
    }
  }

  private async stopSlot(slot: PluginSlot, state: PluginState): Promise<void> {
    const running = slot.running!;
    slot.state = 'stopping';
    try {
      await slot.definition?.stop?.(running.ctx, running.state);
    } catch (err) {
      this.logger.error({ err, plugin: slot.name }, 'plugin stop hook failed; undoing its registrations anyway');
    }
    await running.scope.dispose();
    slot.running = undefined;
    slot.state = state;
    this.startOrder = this.startOrder.filter((entry) => entry !== slot);
    this.logger.info({ plugin: slot.name, core: slot.core }, 'plugin stopped');
  }

  /** Stops the running core modules or plugins, newest first. */
  private async stopRunning(core: boolean): Promise<void> {
    for (const slot of [...this.startOrder].reverse()) if (slot.core === core && slot.running) await this.stopSlot(slot, 'stopped');
  }

  private coreSlots(): PluginSlot[] {
    return [...this.slots.values()].filter((slot) => slot.core);
  }

  /** A missing dependency is an error naming both modules (and why the provider is not there). */
  private assertDependencies(slot: PluginSlot): void {
    for (const service of slot.definition?.depends ?? []) {
      if (this.options.core.services.get(service) !== undefined) continue;
      const provider = [...this.slots.values()].find((other) => other.definition?.provides?.includes(service));
      const why = provider ? `module ${provider.name} provides it but is ${provider.enabled ? provider.state : 'disabled'}` : 'no installed module provides it';
      throw new PluginError('start-failed', `module ${slot.name} depends on "${service}": ${why}`);
    }
  }

  private assertNotNeeded(slot: PluginSlot): void {
    if (!slot.running) return;
    const provided = slot.definition?.provides ?? [];
    const dependants = [...this.slots.values()].filter((other) => other.running && other !== slot && other.definition?.depends?.some((service) => provided.includes(service)));
    if (dependants.length === 0) return;
    const names = dependants.map((other) => other.name).join(', ');
    throw new PluginError('in-use', `module ${slot.name} cannot stop while ${names} depend${dependants.length === 1 ? 's' : ''} on what it provides; disable ${names} first`);
  }

  private async reconfigureSlot(slot: PluginSlot): Promise<void> {
    const running = slot.running!;
    const definition = slot.definition!;
    if (!definition.reconfigure) {
      await this.stopSlot(slot, 'stopped');
      return this.startSlot(slot);
    }
    try {
      const next = validatePluginConfig(slot.name, definition.configSchema, slot.config);
      const previous = running.config.value;
      running.config.replace(next);
      running.raw = JSON.stringify(slot.config);
      await definition.reconfigure(running.ctx, next, previous, running.state);
      slot.error = null;
    } catch (err) {
      await this.stopSlot(slot, 'failed');
      this.fail(slot, err, 'plugin failed to apply its new config; it was stopped');
    }
  }

  private withStartTimeout<S>(name: string, start: () => Promise<S> | S): Promise<S> {
    const ms = this.options.startTimeoutMs ?? PLUGIN_HOST_DEFAULTS.startTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`plugin ${name} did not finish starting within ${ms} ms`)), ms);
    });
    return Promise.race([Promise.resolve().then(start), timeout]).finally(() => clearTimeout(timer));
  }

  private fail(slot: PluginSlot, err: unknown, message: string): void {
    slot.state = 'failed';
    slot.error = err instanceof Error ? err.message : String(err);
    this.logger.error({ plugin: slot.name, error: slot.error }, message);
  }

  private newSlot(row: StoredPlugin): PluginSlot {
    return { ...row, core: false, state: 'stopped', error: null };
  }

  private info(slot: PluginSlot): PluginInfo {
    return {
      name: slot.name,
      version: slot.definition?.version ?? null,
      description: slot.definition?.description ?? null,
      source: slot.source,
      enabled: slot.enabled,
      core: slot.core,
      state: slot.state,
      error: slot.error,
      config: maskSecrets(slot.config),
    };
  }
}

function stored(slot: PluginSlot): StoredPlugin {
  return { name: slot.name, source: slot.source, enabled: slot.enabled, config: slot.config };
}

/**
 * A core module as the host keeps it. Its hooks take the wider core-module context, which the
 * host builds for every slot marked `core` (see `start`), so calling them with the slot's
 * context is sound although the types cannot say that one slot's context matches its definition.
 */
function hostedCoreModule(definition: CoreModuleDefinition<unknown>): PluginDefinition<unknown, unknown> {
  return definition as unknown as PluginDefinition<unknown, unknown>;
}
