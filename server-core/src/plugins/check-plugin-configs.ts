/**
 * The plugins listed in a config file, checked the way a start would load them: each must load,
 * and its `config` must pass the plugin's own schema. Problems read like the core config's,
 * with the exact key: `config error at plugins[0].config.link.resyncTimeoutMs: unknown key ...`.
 */
import { formatIssues, type ServerConfig } from '../config';
import { loadPluginDefinition } from './plugin-loader';
import type { CoreModuleDefinition } from './core-module';

export interface PluginConfigProblem {
  plugin: string;
  /** One line, naming the key. */
  problem: string;
}

/** `enabledOnly` skips entries with `"enabled": false` (a start does not load them). */
export function pluginConfigProblems(entries: ServerConfig['plugins'], options: { enabledOnly?: boolean; baseDir?: string } = {}): PluginConfigProblem[] {
  return entries.flatMap((entry, index) => {
    if (options.enabledOnly && !entry.enabled) return [];
    return entryProblems(entry, index, options.baseDir ?? process.cwd()).map((problem) => ({ plugin: entry.name, problem }));
  });
}

/**
 * The `modules` section checked the way a start would apply it: each name must be a core
 * module, and its `config` must pass that module's schema.
 */
export function moduleConfigProblems(entries: ServerConfig['modules'], coreModules: readonly CoreModuleDefinition[], server?: { domain: string }): string[] {
  const byName = new Map(coreModules.map((definition) => [definition.name, definition]));
  return Object.entries(entries).flatMap(([name, entry]) => {
    const definition = byName.get(name);
    if (!definition) return [`config error at modules.${name}: there is no core module of that name (there are ${[...byName.keys()].join(', ')})`];
    const parsed = definition.configSchema.safeParse(entry.config);
    if (!parsed.success) return formatIssues(parsed.error.issues, definition.configSchema, entry.config, new Map(), ['modules', name, 'config']);
    if (!server || !definition.checkWithServer) return [];
    return definition.checkWithServer(parsed.data, server).map(({ path, message }) => `config error at ${jsonPath(['modules', name, 'config', ...path])}: ${message}`);
  });
}

/** `['modules', 'x', 'config', 'list', 0, 'key']` → `modules.x.config.list[0].key`. */
export function jsonPath(path: Array<string | number>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function entryProblems(entry: ServerConfig['plugins'][number], index: number, baseDir: string): string[] {
  const at = `config error at plugins[${index}]`;
  let definition;
  try {
    definition = loadPluginDefinition(entry.path ?? entry.name, baseDir);
  } catch (error) {
    return [`${at}: ${(error as Error).message}`];
  }
  if (definition.name !== entry.name) return [`${at}.name: the plugin at ${entry.path} is called "${definition.name}", not "${entry.name}"`];
  const parsed = definition.configSchema.safeParse(entry.config);
  if (parsed.success) return [];
  return formatIssues(parsed.error.issues, definition.configSchema, entry.config, new Map(), ['plugins', index, 'config']).map((line) => `${line} (plugin ${entry.name})`);
}
