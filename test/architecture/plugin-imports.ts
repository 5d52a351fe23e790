import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where a module is named in source: static and dynamic imports, re-exports, require and jest.mock. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bjest\.mock\s*\(\s*)['"]([^'"]+)['"]/g;

/** What a plugin may import of the server: the plugin API and the test kit. */
export const PUBLIC_ENTRIES = new Set(['@asterisk-im/server-core', '@asterisk-im/server-core/testing']);

export interface ImportViolation {
  file: string;
  specifier: string;
  reason: string;
}

export function specifiersIn(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[1]!);
}

/**
 * Why `specifier`, imported by `file` of the plugin in `pluginRoot`, crosses the boundary, or
 * undefined when it does not: a server path other than the public entries, or a relative path
 * that leaves the plugin's own folder.
 */
export function boundaryViolation(file: string, pluginRoot: string, specifier: string): string | undefined {
  if (specifier.startsWith('@asterisk-im/server-core')) {
    return PUBLIC_ENTRIES.has(specifier) ? undefined : 'imports a server path; use @asterisk-im/server-core (or /testing in tests)';
  }
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(file), specifier);
  const relative = path.relative(pluginRoot, target);
  return relative.startsWith('..') || path.isAbsolute(relative) ? 'reaches outside the plugin folder' : undefined;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return /\.(c|m)?(t|j)sx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every source file of every plugin under `pluginsDir`, with the boundary violations in it. */
export function scanPlugins(pluginsDir: string): { files: string[]; violations: ImportViolation[] } {
  const files: string[] = [];
  const violations: ImportViolation[] = [];
  for (const plugin of readdirSync(pluginsDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const root = path.join(pluginsDir, plugin.name);
    for (const file of sourceFiles(root)) {
      files.push(file);
      for (const specifier of specifiersIn(readFileSync(file, 'utf8'))) {
        const reason = boundaryViolation(file, root, specifier);
        if (reason) violations.push({ file: path.relative(pluginsDir, file), specifier, reason });
      }
    }
  }
  return { files, violations };
}
