import { z } from 'zod';
import type { CoreContext } from '../core/core-context';
import { readServerVersion } from '../core/server-version';
import type { CoreEvents } from '../core/core-context';
import type { IqHandler, IqScope } from '../routing';
import type { PluginContext, PluginDefinition } from './types';

/**
 * The context a core module starts with: a plugin's context, plus the core it is part of. Its
 * IQ handlers and event listeners see the sessions themselves, not the read-only views plugins get.
 */
export interface CoreModuleContext<C = unknown> extends Omit<PluginContext<C>, 'iq' | 'events'> {
  /** The server's internals (sessions, router, stores...), which only the core's own modules reach. */
  readonly core: CoreContext;
  iq: { register(scope: IqScope, namespace: string, handler: IqHandler): () => void };
  events: { on<E extends keyof CoreEvents>(event: E, listener: CoreEvents[E]): () => void };
}

/** A feature of the server itself, hosted like a plugin but started before plugins and stopped after them. */
export interface CoreModuleDefinition<C = unknown> extends Omit<PluginDefinition<C>, 'start' | 'stop' | 'reconfigure'> {
  readonly core: true;
  /** False for a module that stays off until the config file (or an administrator) enables it, such as federation. */
  readonly enabledByDefault?: boolean;
  start(ctx: CoreModuleContext<C>): Promise<void> | void;
  stop?(ctx: CoreModuleContext<C>): Promise<void> | void;
  reconfigure?(ctx: CoreModuleContext<C>, next: C, previous: C): Promise<void> | void;
  /**
   * Problems the module's config has only next to the server's own settings (a component
   * address that is the server's domain), each `{ path, message }` with the path inside the
   * module's config; `config check` reports them as it reports schema errors.
   */
  checkWithServer?(config: C, server: { domain: string }): Array<{ path: Array<string | number>; message: string }>;
}

export type EmptyConfig = Record<string, never>;

export type CoreModuleSpec<C> = Omit<CoreModuleDefinition<C>, 'core' | 'version'>;

const NO_SETTINGS: z.ZodType<EmptyConfig, z.ZodTypeDef, unknown> = z.object({}).strict();

/** Defines a core module; it carries the server's version and, unless given, an empty config schema. */
export function defineCoreModule(spec: Omit<CoreModuleSpec<EmptyConfig>, 'configSchema'>): CoreModuleDefinition<EmptyConfig>;
export function defineCoreModule<C>(spec: CoreModuleSpec<C>): CoreModuleDefinition<C>;
export function defineCoreModule(spec: Omit<CoreModuleSpec<unknown>, 'configSchema'> & { configSchema?: CoreModuleSpec<unknown>['configSchema'] }): CoreModuleDefinition<unknown> {
  return { ...spec, core: true, version: readServerVersion(), configSchema: spec.configSchema ?? NO_SETTINGS };
}
