import { z } from 'zod';
import type { CoreContext } from '../core/core-context';
import type { PluginHost } from '../plugins/plugin-host';
import { PluginError } from '../plugins/plugin-errors';
import type { JsonValue } from '../cluster/types';
import { compilePath, type PathPattern } from '../http/path-pattern';
import { HttpError } from '../http/http-error';
import { parseBody } from '../http/json-body';

export interface RouteRequest {
  params: Record<string, string>;
  body: unknown;
}

export interface AdminRoute {
  method: string;
  pattern: PathPattern;
  /** Answers without a token (liveness probes). */
  public?: boolean;
  handle(request: RouteRequest): Promise<JsonValue> | JsonValue;
}

const configBody = z.object({ config: z.record(z.unknown(), { required_error: 'is required (the plugin config object)', invalid_type_error: 'expected an object' }) }).strict();

const installBody = z
  .object({
    source: z.string({ required_error: 'is required (a plugin folder path or npm package name)', invalid_type_error: 'expected a string' }).min(1, 'must not be empty'),
    enabled: z.boolean({ invalid_type_error: 'expected true or false' }).optional(),
    config: z.record(z.unknown(), { invalid_type_error: 'expected an object' }).optional(),
  })
  .strict();

type Kind = 'plugin' | 'module';

/** The server's own admin routes: health, and managing modules and plugins. */
export function adminRoutes(core: CoreContext, plugins: PluginHost): AdminRoute[] {
  const route = (method: string, path: string, handle: AdminRoute['handle'], isPublic = false): AdminRoute => ({
    method,
    pattern: compilePath(path),
    handle,
    public: isPublic,
  });
  /** `/api/plugins` manages plugins; `/api/modules` the core's modules and plugins alike. */
  const notACoreModule = (name: string, kind: Kind) => {
    if (kind === 'plugin' && plugins.get(name)?.core) throw new HttpError(404, 'not-found', `${name} is a core module, not a plugin; manage it with the module commands (/api/modules)`, 'name');
  };
  const find = (name: string, kind: Kind): JsonValue => {
    notACoreModule(name, kind);
    const info = plugins.get(name);
    if (!info) throw new HttpError(404, 'not-found', `no ${kind} named ${name}`, 'name');
    return info as unknown as JsonValue;
  };
  const manage = (kind: Kind): AdminRoute[] => [
    route('GET', `/api/${kind}s/:name`, ({ params }) => find(params.name, kind)),
    route('POST', `/api/${kind}s/:name/enable`, ({ params }) => (notACoreModule(params.name, kind), asJson(plugins.enable(params.name)))),
    route('POST', `/api/${kind}s/:name/disable`, ({ params }) => (notACoreModule(params.name, kind), asJson(plugins.disable(params.name)))),
    route('PUT', `/api/${kind}s/:name/config`, ({ params, body }) => {
      notACoreModule(params.name, kind);
      const { config } = parseBody(configBody, body);
      return asJson(plugins.reconfigure(params.name, config), 'config');
    }),
  ];
  return [
    route('GET', '/api/health', () => ({ status: 'ok', nodeId: core.nodeId, domain: core.domain, senior: core.cluster.isSenior() }), true),
    route('GET', '/api/plugins', () => ({ plugins: plugins.list() as unknown as JsonValue })),
    route('GET', '/api/modules', () => ({ modules: plugins.modules() as unknown as JsonValue })),
    route('POST', '/api/plugins/install', ({ body }) => {
      const { source, enabled, config } = parseBody(installBody, body);
      return asJson(plugins.install(source, { enabled, config }), 'config');
    }),
    ...manage('plugin'),
    ...manage('module'),
  ];
}

/** Plugin errors as HTTP answers; config issues name their field below `configField`. */
async function asJson(change: Promise<unknown>, configField = 'config'): Promise<JsonValue> {
  try {
    return (await change) as JsonValue;
  } catch (err) {
    if (!(err instanceof PluginError)) throw err;
    switch (err.kind) {
      case 'not-found':
        throw new HttpError(404, err.kind, err.message, 'name');
      case 'invalid-config': {
        const issues = err.issues.map((issue) => ({ field: [configField, issue.field].filter(Boolean).join('.'), message: issue.message }));
        throw new HttpError(400, err.kind, err.message, issues[0]?.field ?? configField, { issues });
      }
      case 'load-failed':
        throw new HttpError(400, err.kind, err.message, 'source');
      default:
        throw new HttpError(409, err.kind, err.message);
    }
  }
}
