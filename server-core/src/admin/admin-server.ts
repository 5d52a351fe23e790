import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log';
import type { CoreContext } from '../core/core-context';
import type { PluginHost } from '../plugins/plugin-host';
import { bundledPluginFolder } from '../plugins/bundled-plugins';
import type { AdminRouteResult } from '../plugins/types';
import { adminRoutes, type AdminRoute } from './admin-routes';
import { healthRoutes } from './health-routes';
import { isAuthorized } from './admin-token';
import { HttpError } from '../http/http-error';
import { readJsonBody } from '../http/json-body';
import { splitPath } from '../http/path-pattern';
import { createAdminConsole, type AdminConsole } from './console';
import type { SetupLink } from './console/setup-token';
import { serveMetrics } from './metrics-endpoint';
import { installCoreMetrics } from '../metrics';
import type { LoginThrottleLimits } from '../auth';
import { hostChecker } from './host-check';

export interface AdminServerOptions {
  host: string;
  port: number;
  /** Names besides the domain and loopback that `Host` may carry (see host-check.ts). */
  allowedHosts: string[];
  /** Console sign-in limits (the same keys as XMPP logins, counted separately). */
  signInLimits: LoginThrottleLimits;
  token: string;
  core: CoreContext;
  plugins: PluginHost;
  logger: Logger;
}

export interface AdminServer {
  readonly address: { host: string; port: number };
  /** The one-time setup page and token while no administrator exists. */
  readonly setup: SetupLink | undefined;
  close(): Promise<void>;
}

/**
 * The admin HTTP API (JSON in and out, a bearer token or a console session on every route
 * except health and the `/healthz` and `/readyz` probes), the admin console on `/` and the metrics on `/metrics`.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const adminConsole = createAdminConsole(options);
  const uninstallMetrics = installCoreMetrics(options.core);
  const routes = [...adminRoutes(options.core, options.plugins), ...healthRoutes(options.core, options.plugins), ...adminConsole.routes];
  const logger = options.logger.child({ component: 'admin' });
  const authorized = async (request: http.IncomingMessage) => isAuthorized(request.headers.authorization, options.token) || (await adminConsole.authorizes(request));
  const hostAllowed = hostChecker({ domain: options.core.domain, bindHost: options.host, allowedHosts: options.allowedHosts });
  const server = http.createServer((request, response) => {
    if (!hostAllowed(request.headers.host, (server.address() as AddressInfo).port)) return send(response, 421, wrongHost(request.headers.host));
    serveOutsideApi(request, response, adminConsole, authorized)
      .then(async (served) => (served ? undefined : handle(request, routes, options, authorized)))
      .then((answer) => answer && send(response, answer.status, answer.body))
      .catch((err: unknown) => {
        if (err instanceof HttpError) return send(response, err.status, err.toJSON());
        logger.error({ err, method: request.method, url: request.url }, 'admin request failed');
        send(response, 500, { error: { code: 'internal', message: 'the request failed; see the server log' } });
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const setup = await adminConsole.announceSetup(`http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`);
  return {
    address: { host: bound.address, port: bound.port },
    setup,
    close: () =>
      new Promise<void>((resolve) => {
        adminConsole.close();
        uninstallMetrics();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answered by the health routes, never by the console (which would send a probe to its sign-in page). */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** The console's pages and `/metrics`; true when one of them answered. */
async function serveOutsideApi(request: http.IncomingMessage, response: http.ServerResponse, adminConsole: AdminConsole, authorized: (request: http.IncomingMessage) => Promise<boolean>): Promise<boolean> {
  const pathname = new URL(request.url ?? '/', 'http://admin').pathname;
  if (PROBE_PATHS.has(pathname)) return false;
  if (await serveMetrics(request, response, pathname === '/metrics' && (await authorized(request)))) return true;
  return adminConsole.serve(request, response);
}

async function handle(
  request: http.IncomingMessage,
  routes: AdminRoute[],
  options: AdminServerOptions,
  authorized: (request: http.IncomingMessage) => Promise<boolean>,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(request.url ?? '/', 'http://admin');
  const method = request.method ?? 'GET';
  const candidates = routes.filter((route) => route.pattern.match(url.pathname));
  const route = candidates.find((candidate) => candidate.method === method);
  if (!route?.public && !(await authorized(request))) {
    throw new HttpError(401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"');
  }
  const body = await readJsonBody(request);
  if (route) return { status: 200, body: await route.handle({ params: route.pattern.match(url.pathname)!, body }) };
  const pluginResult = await handlePluginRoute(method, url, body, options.plugins);
  if (pluginResult) return pluginResult;
  if (candidates.length > 0) throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
  throw new HttpError(404, 'not-found', `no route ${method} ${url.pathname}`);
}

/** A request for a plugin that is not running: say why and what to do, rather than "no route". */
function whyNotServing(name: string, plugins: PluginHost): HttpError | undefined {
  const info = plugins.get(name);
  const enable = `enable it with: asterisk-im plugin enable ${name}`;
  if (!info && !bundledPluginFolder(name)) return new HttpError(404, 'not-found', `no plugin named ${name}`, 'name');
  if (!info) return new HttpError(404, 'plugin-not-enabled', `the ${name} plugin is not enabled; ${enable}`, 'name');
  if (info.state === 'failed') return new HttpError(503, 'plugin-failed', `the ${name} plugin failed: ${info.error ?? 'unknown reason'} (see: asterisk-im plugin list)`, 'name');
  if (!info.enabled) return new HttpError(404, 'plugin-not-enabled', `the ${name} plugin is disabled; ${enable}`, 'name');
  if (info.state === 'running') return undefined;
  return new HttpError(503, 'plugin-not-running', `the ${name} plugin is ${info.state}; try again when it is running`, 'name');
}

/** `/api/plugins/<name>/<rest>` goes to the routes that running plugin registered. */
async function handlePluginRoute(method: string, url: URL, body: unknown, plugins: PluginHost): Promise<{ status: number; body: unknown } | undefined> {
  const [api, group, name, ...rest] = splitPath(url.pathname);
  if (api !== 'api' || group !== 'plugins' || !name || rest.length === 0) return undefined;
  const path = `/${rest.join('/')}`;
  const found = plugins.routes.find(name, method, path);
  if (!found) {
    const why = plugins.routes.has(name) ? undefined : whyNotServing(name, plugins);
    if (why) throw why;
    return undefined;
  }
  if (found === 'methodMismatch') throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
  const result: AdminRouteResult = await found.handler({ method, path, params: found.params, query: url.searchParams, body });
  if (result && typeof result === 'object' && !Array.isArray(result) && typeof result.status === 'number' && 'body' in result) {
    return { status: result.status, body: result.body };
  }
  return { status: result === undefined ? 204 : 200, body: result };
}

function wrongHost(host: string | undefined): unknown {
  const shown = host === undefined ? 'no Host header' : `the host "${host.slice(0, 100)}"`;
  return {
    error: {
      code: 'wrong-host',
      message: `this admin listener does not answer for ${shown}; use the server's domain, localhost or 127.0.0.1, or add the name to listeners.admin.allowedHosts`,
    },
  };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  if (status === 204 || body === undefined) {
    response.writeHead(status === 200 ? 204 : status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
