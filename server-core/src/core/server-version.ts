import fs from 'node:fs';
import path from 'node:path';

export const SERVER_NAME = 'Asterisk-IM';

/**
 * The product version: the `version` of the repository's root package.json (the one that
 * declares the workspaces), found by walking up from this file so it works from sources and
 * from a build output directory alike.
 */
export function readServerVersion(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    const manifest = readManifest(path.join(dir, 'package.json'));
    if (manifest?.workspaces && typeof manifest.version === 'string') return manifest.version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

function readManifest(file: string): { version?: unknown; workspaces?: unknown } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown; workspaces?: unknown };
  } catch {
    return undefined;
  }
}
