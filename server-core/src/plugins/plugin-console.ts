import type { ConsoleExtensions, ConsolePageSpec } from './console-extensions';
import type { Scope } from '../lifecycle/scope';

/** `ctx.console`: pages in the admin console and the files they load; both removed on stop. */
export interface PluginConsole {
  /** A page at `/<plugin>` (or `/<plugin>/<path>`) in the console's layout, for signed-in administrators. */
  page(spec: ConsolePageSpec): () => void;
  /**
   * Serves `file` (an absolute path, read on every request) at `/assets/plugins/<plugin>/<name>`.
   * The content type follows the name's extension (.js, .css, .svg, .png, .json) unless given.
   */
  asset(name: string, file: string, contentType?: string): () => void;
}

export function scopedConsole(plugin: string, extensions: ConsoleExtensions, scope: Scope): PluginConsole {
  return {
    page: (spec) => scope.own(extensions.addPage(plugin, spec)),
    asset: (name, file, contentType) => scope.own(extensions.addAsset(plugin, name, file, contentType)),
  };
}
