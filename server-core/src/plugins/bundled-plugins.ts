/**
 * The plugins shipped with the server (the `plugins/` folder next to `server-core/`), found by
 * their name: `{"name": "asterisk-im"}` in the config, `plugin enable asterisk-im` or
 * `plugin install asterisk-im` need no path. The folder sits at the same place relative to this
 * file in a checkout and in an installed copy of the package.
 */
import fs from 'node:fs';
import path from 'node:path';

export const BUNDLED_PLUGINS_DIR = path.resolve(__dirname, '../../../plugins');

/** The folder of the bundled plugin called `name`, or undefined when there is none. */
export function bundledPluginFolder(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) return undefined;
  const folder = path.join(BUNDLED_PLUGINS_DIR, name);
  return fs.existsSync(path.join(folder, 'package.json')) ? folder : undefined;
}

/** The names of every bundled plugin, sorted. */
export function bundledPluginNames(): string[] {
  if (!fs.existsSync(BUNDLED_PLUGINS_DIR)) return [];
  return fs
    .readdirSync(BUNDLED_PLUGINS_DIR)
    .filter((name) => bundledPluginFolder(name) !== undefined)
    .sort();
}
