import path from 'node:path';
import { bundledPluginFolder, bundledPluginNames } from './bundled-plugins';
import { PluginError } from './plugin-errors';
import type { PluginDefinition } from './types';

const PLUGIN_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
/** Names the host itself uses for its migrations. */
const RESERVED_NAMES = new Set(['core', 'plugin-host']);

/** A folder path (absolute, or relative starting with ".") rather than an npm package name. */
export function isPathSource(source: string): boolean {
  return path.isAbsolute(source) || source.startsWith('./') || source.startsWith('../') || source === '.';
}

/** What `require` is asked for: a folder path, a bundled plugin's folder, or an npm package name. */
function pluginRequest(source: string, baseDir: string): string {
  if (isPathSource(source)) return path.resolve(baseDir, source);
  return bundledPluginFolder(source) ?? source;
}

/**
 * Loads a plugin definition from a folder (its package.json `main`), a bundled plugin's name or
 * an installed npm package. The module exports the definition as `default`, as `plugin`, or as itself.
 */
export function loadPluginDefinition(source: string, baseDir: string): PluginDefinition<unknown> {
  const request = pluginRequest(source, baseDir);
  let exported: unknown;
  try {
    const resolved = require.resolve(request, { paths: [baseDir, process.cwd()] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(resolved);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const bundled = isPathSource(source) ? '' : ` (bundled plugins: ${bundledPluginNames().join(', ') || 'none'})`;
    throw new PluginError('load-failed', `cannot load plugin from ${source}: ${reason}${bundled}`);
  }
  return checkDefinition(pickDefinition(exported), source);
}

function pickDefinition(exported: unknown): unknown {
  if (exported && typeof exported === 'object') {
    const candidates = exported as { default?: unknown; plugin?: unknown };
    if (looksLikeDefinition(candidates.default)) return candidates.default;
    if (looksLikeDefinition(candidates.plugin)) return candidates.plugin;
  }
  return exported;
}

function looksLikeDefinition(value: unknown): boolean {
  return !!value && typeof value === 'object' && typeof (value as { start?: unknown }).start === 'function';
}

function checkDefinition(value: unknown, source: string): PluginDefinition<unknown> {
  const fail = (what: string) => new PluginError('load-failed', `${source} does not export a valid plugin definition: ${what}`);
  if (!value || typeof value !== 'object') throw fail('expected an object exported as default or as "plugin"');
  const definition = value as Partial<PluginDefinition<unknown>>;
  if (typeof definition.name !== 'string' || !PLUGIN_NAME.test(definition.name)) throw fail('name must be a lowercase plugin name such as "motd"');
  if (RESERVED_NAMES.has(definition.name)) throw fail(`name "${definition.name}" is reserved`);
  if (typeof definition.version !== 'string' || definition.version === '') throw fail('version must be a non-empty string');
  if (!definition.configSchema || typeof (definition.configSchema as { safeParse?: unknown }).safeParse !== 'function') {
    throw fail('configSchema must be a zod schema');
  }
  if (typeof definition.start !== 'function') throw fail('start must be a function');
  if (definition.stop !== undefined && typeof definition.stop !== 'function') throw fail('stop must be a function');
  if (definition.reconfigure !== undefined && typeof definition.reconfigure !== 'function') throw fail('reconfigure must be a function');
  if (definition.migrations !== undefined && !Array.isArray(definition.migrations)) throw fail('migrations must be an array');
  return definition as PluginDefinition<unknown>;
}

/** The owner under which a plugin's migrations are versioned (scoped names flattened: "@acme/x" → "acme.x"). */
export function migrationOwner(pluginName: string): string {
  return pluginName.replace(/^@/, '').replace('/', '.');
}
