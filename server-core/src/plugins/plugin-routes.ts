import type { AdminRouteHandler, HttpMethod } from './types';
import { compilePath, type PathPattern } from '../http/path-pattern';

interface PluginRoute {
  method: HttpMethod;
  pattern: PathPattern;
  handler: AdminRouteHandler;
}

/** Admin routes plugins add, mounted under `/api/plugins/<name>/...`. */
export class PluginRoutes {
  private readonly byPlugin = new Map<string, PluginRoute[]>();

  add(pluginName: string, method: HttpMethod, path: string, handler: AdminRouteHandler): () => void {
    const route: PluginRoute = { method, pattern: compilePath(path), handler };
    const routes = this.byPlugin.get(pluginName) ?? [];
    if (routes.some((r) => r.method === method && r.pattern.source === route.pattern.source)) {
      throw new Error(`plugin ${pluginName} already has a route ${method} ${path}`);
    }
    this.byPlugin.set(pluginName, [...routes, route]);
    return () => {
      const remaining = (this.byPlugin.get(pluginName) ?? []).filter((r) => r !== route);
      if (remaining.length > 0) this.byPlugin.set(pluginName, remaining);
      else this.byPlugin.delete(pluginName);
    };
  }

  /** The handler for a request below a plugin's mount point; `methodMismatch` when only the method is wrong. */
  find(pluginName: string, method: string, path: string): { handler: AdminRouteHandler; params: Record<string, string> } | 'methodMismatch' | undefined {
    let pathMatched = false;
    for (const route of this.byPlugin.get(pluginName) ?? []) {
      const params = route.pattern.match(path);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? 'methodMismatch' : undefined;
  }

  /** True while the plugin has at least one route (it is running and registered some). */
  has(pluginName: string): boolean {
    return this.byPlugin.has(pluginName);
  }

  get count(): number {
    let total = 0;
    for (const routes of this.byPlugin.values()) total += routes.length;
    return total;
  }
}
