import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log';
import type { CoreContext } from '../server/core-context';
import type { PluginHost } from '../plugins/plugin-host';
import type { AdminRouteResult } from '../plugins/types';
import { adminRoutes, type AdminRoute } from './admin-routes';
import { isAuthorized } from './admin-token';
import { HttpError } from './http-error';
import { readJsonBody } from './json-body';
import { splitPath } from './path-pattern';

export interface AdminServerOptions {
  host: string;
  port: number;
  token: string;
  core: CoreContext;
  plugins: PluginHost;
  logger: Logger;
}

export interface AdminServer {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

/** The admin HTTP API: JSON in and out, a bearer token on every route except health. */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const routes = adminRoutes(options.core, options.plugins);
  const logger = options.logger.child({ component: 'admin' });
  const server = http.createServer((request, response) => {
    handle(request, routes, options)
      .then(({ status, body }) => send(response, status, body))
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
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(request: http.IncomingMessage, routes: AdminRoute[], options: AdminServerOptions): Promise<{ status: number; body: unknown }> {
  const url = new URL(request.url ?? '/', 'http://admin');
  const method = request.method ?? 'GET';
  const candidates = routes.filter((route) => route.pattern.match(url.pathname));
  const route = candidates.find((candidate) => candidate.method === method);
  if (!route?.public && !isAuthorized(request.headers.authorization, options.token)) {
    throw new HttpError(401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"');
  }
  const body = await readJsonBody(request);
  if (route) return { status: 200, body: await route.handle({ params: route.pattern.match(url.pathname)!, body }) };
  const pluginResult = await handlePluginRoute(method, url, body, options.plugins);
  if (pluginResult) return pluginResult;
  if (candidates.length > 0) throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
  throw new HttpError(404, 'not-found', `no route ${method} ${url.pathname}`);
}

/** `/api/plugins/<name>/<rest>` goes to the routes that running plugin registered. */
async function handlePluginRoute(method: string, url: URL, body: unknown, plugins: PluginHost): Promise<{ status: number; body: unknown } | undefined> {
  const [api, group, name, ...rest] = splitPath(url.pathname);
  if (api !== 'api' || group !== 'plugins' || !name || rest.length === 0) return undefined;
  const path = `/${rest.join('/')}`;
  const found = plugins.routes.find(name, method, path);
  if (!found) return undefined;
  if (found === 'methodMismatch') throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on ${url.pathname}`);
  const result: AdminRouteResult = await found.handler({ method, path, params: found.params, query: url.searchParams, body });
  if (result && typeof result === 'object' && !Array.isArray(result) && typeof result.status === 'number' && 'body' in result) {
    return { status: result.status, body: result.body };
  }
  return { status: result === undefined ? 204 : 200, body: result };
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
