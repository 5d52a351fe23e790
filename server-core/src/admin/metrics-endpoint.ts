import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderMetrics } from '../metrics';
import { HttpError } from '../http/http-error';

/**
 * `GET /metrics` in the Prometheus text format. Behind the same credentials as the API (bearer
 * token for scrapers, a console session for a browser); `authorized` says whether it has them.
 */
export async function serveMetrics(request: IncomingMessage, response: ServerResponse, authorized: boolean): Promise<boolean> {
  const { pathname } = new URL(request.url ?? '/', 'http://admin');
  if (pathname !== '/metrics') return false;
  if (request.method !== 'GET') throw new HttpError(405, 'method-not-allowed', `${request.method} is not allowed on /metrics`);
  if (!authorized) throw new HttpError(401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"');
  const { contentType, text } = await renderMetrics();
  response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
  return true;
}
