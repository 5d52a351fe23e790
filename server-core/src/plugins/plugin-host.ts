import path from 'node:path';
import type { Logger } from '../log';
import type { Database } from '../storage';
import { runMigrations } from '../storage';
import { AsyncLock } from '../storage/async-lock';
import type { CoreContext } from '../server/core-context';
import type { ServerConfig } from '../config';
import type { Disposable, JsonValue, TaskResult } from '../cluster/types';
import { PluginRoutes } from '../admin/plugin-routes';
import { bundledPluginFolder } from './bundled-plugins';
import { PluginConfigHandle, validatePluginConfig } from './plugin-config';
import { createPluginContext } from './plugin-context';
import { PluginError } from './plugin-errors';
import { isPathSource, loadPluginDefinition, migrationOwner } from './plugin-loader';
import { PluginScope } from './plugin-scope';
import { PluginStore, type StoredPlugin } from './plugin-store';
import { maskSecrets, restoreMaskedSecrets } from './mask-secrets';
import type { PluginContext, PluginDefinition, PluginInfo, PluginState } from './types';

/** Every node applies a change by re-reading the plugin's row: the database is the one truth. */
const SYNC_TASK = 'plugin-host.sync';
export const PLUGIN_HOST_DEFAULTS = { startTimeoutMs: 30_000, syncTimeoutMs: 60_000 } as const;

export interface PluginHostOptions {
  core: CoreContext;
  db: Database;
  /** The config file's plugin list: the initial state, overridden by rows changed at run time. */
  entries: ServerConfig['plugins'];
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
  scope: PluginScope;
  config: PluginConfigHandle<unknown>;
  /** The raw config it runs with, to notice a change. */
  raw: string;
}

interface PluginSlot extends StoredPlugin {
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
 * Loads, starts and stops plugins on one node. Changes (enable, disable, reconfigure, install)
 * are written to the `plugins` table and then applied on every node through a cluster task.
 */
export class PluginHost {
  readonly routes = new PluginRoutes();
  private readonly slots = new Map<string, PluginSlot>();
  private readonly lock = new AsyncLock();
  private readonly store: PluginStore;
  private readonly logger: Logger;
  private syncTask: Disposable | undefined;

  constructor(private readonly options: PluginHostOptions) {
    this.store = new PluginStore(options.db);
    this.logger = options.logger.child({ component: 'plugins' });
  }

  async start(): Promise<void> {
    await this.store.migrate();
    const stored = new Map((await this.store.all()).map((row) => [row.name, row]));
    for (const entry of this.options.entries) {
      const row = stored.get(entry.name) ?? { name: entry.name, source: entry.path ?? entry.name, enabled: entry.enabled, config: entry.config as JsonValue };
      this.slots.set(entry.name, this.newSlot(row));
      stored.delete(entry.name);
    }
    for (const row of stored.values()) this.slots.set(row.name, this.newSlot(row));
    this.syncTask = this.options.core.cluster.registerTask(SYNC_TASK, async (payload) => this.applyStored(String((payload as { name?: unknown })?.name)));
    await this.lock.run(async () => {
      for (const slot of this.slots.values()) {
        this.load(slot);
        if (slot.enabled && slot.definition) await this.startSlot(slot);
      }
    });
  }

  async stop(): Promise<void> {
    this.syncTask?.dispose();
    this.syncTask = undefined;
    await this.lock.run(async () => {
      for (const slot of [...this.slots.values()].reverse()) if (slot.running) await this.stopSlot(slot, 'stopped');
    });
  }

  list(): PluginInfo[] {
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

  disable(name: string): Promise<PluginChange> {
    return this.change(name, (slot) => ({ ...stored(slot), enabled: false }));
  }

  /** Validates first, so a bad config never reaches the database or any node. Masked secrets keep their value. */
  reconfigure(name: string, config: unknown): Promise<PluginChange> {
    return this.change(name, (slot) => {
      if (!slot.definition) throw new PluginError('not-loaded', `plugin ${name} is not loaded (${slot.error ?? 'unknown reason'}); fix its source first`);
      const merged = restoreMaskedSecrets(config, slot.config);
      validatePluginConfig(name, slot.definition.configSchema, merged);
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
    const logger = this.options.logger.child({ plugin: slot.name });
    const scope = new PluginScope(slot.name, logger);
    slot.state = 'starting';
    slot.error = null;
    try {
      const config = new PluginConfigHandle(validatePluginConfig(slot.name, definition.configSchema, slot.config));
      scope.own(() => config.dispose());
      const ctx = createPluginContext({ name: slot.name, core: this.options.core, db: this.options.db, routes: this.routes, scope, config, logger });
      if (definition.migrations?.length) await runMigrations(this.options.db, migrationOwner(slot.name), definition.migrations);
      const state = await this.withStartTimeout(slot.name, () => definition.start(ctx));
      slot.running = { ctx, state, scope, config, raw: JSON.stringify(slot.config) };
      slot.state = 'running';
      logger.info({ version: definition.version }, 'plugin started');
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
    this.logger.info({ plugin: slot.name }, 'plugin stopped');
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
    return { ...row, state: 'stopped', error: null };
  }

  private info(slot: PluginSlot): PluginInfo {
    return {
      name: slot.name,
      version: slot.definition?.version ?? null,
      description: slot.definition?.description ?? null,
      source: slot.source,
      enabled: slot.enabled,
      state: slot.state,
      error: slot.error,
      config: maskSecrets(slot.config),
    };
  }
}

function stored(slot: PluginSlot): StoredPlugin {
  return { name: slot.name, source: slot.source, enabled: slot.enabled, config: slot.config };
}
