/**
 * Console pages and static files that plugins add (through `ctx.console`). A plugin's pages
 * live under `/<plugin>` and its files under `/assets/plugins/<plugin>/`, so no plugin can
 * shadow a page of the server or of another plugin.
 */
import path from 'node:path';
import type { RawHtml } from '../http/html';

/** What a page's render function is given: the signed-in administrator and this node. */
export interface ConsolePageView {
  nodeId: string;
  user: string;
  /** The CSRF token console.js sends with every state-changing API call. */
  csrf: string;
}

export interface ConsolePageSpec {
  /** Below the plugin's own path: '' (default) is `/<plugin>`, 'calls' is `/<plugin>/calls`. */
  path?: string;
  title: string;
  /** The label of the page's entry in the navigation bar; none when absent. */
  nav?: string;
  /** The page body inside the console's layout; build it with `html` so values are escaped. */
  render(view: ConsolePageView): RawHtml;
  /** Names of the plugin's assets (see `asset`) the page loads after console.js / console.css. */
  scripts?: readonly string[];
  styles?: readonly string[];
}

export interface RegisteredPage {
  plugin: string;
  /** The page's URL path, e.g. `/asterisk-im`. */
  route: string;
  spec: ConsolePageSpec;
  scripts: string[];
  styles: string[];
}

export interface NavEntry {
  path: string;
  label: string;
}

const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** The URL of a plugin's asset. */
export function pluginAssetUrl(plugin: string, name: string): string {
  return `/assets/plugins/${plugin}/${name}`;
}

export class ConsoleExtensions {
  private readonly pages = new Map<string, RegisteredPage>();
  private readonly assets = new Map<string, { file: string; contentType: string }>();

  addPage(plugin: string, spec: ConsolePageSpec): () => void {
    const sub = (spec.path ?? '').replace(/^\/+|\/+$/g, '');
    if (sub !== '' && !sub.split('/').every((segment) => SEGMENT.test(segment))) throw new Error(`console page path "${spec.path}" must be lowercase segments such as "calls"`);
    const route = `/${plugin}${sub ? `/${sub}` : ''}`;
    if (this.pages.has(route)) throw new Error(`the console page ${route} exists already`);
    const entry: RegisteredPage = {
      plugin,
      route,
      spec,
      scripts: (spec.scripts ?? []).map((name) => pluginAssetUrl(plugin, name)),
      styles: (spec.styles ?? []).map((name) => pluginAssetUrl(plugin, name)),
    };
    this.pages.set(route, entry);
    return () => {
      if (this.pages.get(route) === entry) this.pages.delete(route);
    };
  }

  /** Serves `file` (an absolute path) at `/assets/plugins/<plugin>/<name>`. */
  addAsset(plugin: string, name: string, file: string, contentType?: string): () => void {
    if (!ASSET_NAME.test(name)) throw new Error(`console asset name "${name}" must be a plain file name such as "phone.js"`);
    if (!path.isAbsolute(file)) throw new Error(`console asset ${name}: the file must be an absolute path, got "${file}"`);
    const type = contentType ?? CONTENT_TYPES[path.extname(name)];
    if (!type) throw new Error(`console asset ${name}: give its content type (no default for "${path.extname(name)}")`);
    const url = pluginAssetUrl(plugin, name);
    if (this.assets.has(url)) throw new Error(`the console asset ${url} exists already`);
    const entry = { file, contentType: type };
    this.assets.set(url, entry);
    return () => {
      if (this.assets.get(url) === entry) this.assets.delete(url);
    };
  }

  page(route: string): RegisteredPage | undefined {
    return this.pages.get(route);
  }

  asset(url: string): { file: string; contentType: string } | undefined {
    return this.assets.get(url);
  }

  /** Navigation entries of the plugins' pages, in the order they were added. */
  nav(): NavEntry[] {
    return [...this.pages.values()].filter((page) => page.spec.nav).map((page) => ({ path: page.route, label: page.spec.nav! }));
  }

  get count(): number {
    return this.pages.size + this.assets.size;
  }
}
