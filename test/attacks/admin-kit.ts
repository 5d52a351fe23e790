/**
 * The admin listener as an attacker sees it: a server with its admin API on a free port, the
 * API token read from its data folder, and plain HTTP requests whose every header (Host
 * included, which fetch() will not set) the test chooses.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server-harness';
import { ADMIN_TOKEN_FILE } from '../../server-core/src/admin/admin-token';
import type { Cluster } from '../../server-core/src/cluster/types';
import type { Logger } from '../../server-core/src/log';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The API token is sent unless this is false. */
  token?: boolean;
  /** Source address of the request (any 127.x.y.z works on Linux loopback). */
  localAddress?: string;
}

export interface AdminWorld {
  server: TestServer;
  port: number;
  token: string;
  request(method: string, urlPath: string, options?: RequestOptions): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export async function startAdminWorld(config: Record<string, unknown> = {}, cluster?: Cluster, logger?: Logger): Promise<AdminWorld> {
  const server = await startTestServer({ config: deepMergeAdmin(config), cluster, logger });
  const port = server.server.addresses.admin.port;
  const token = fs.readFileSync(path.join(server.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  return {
    server,
    port,
    token,
    request: (method, urlPath, options = {}) => httpRequest(port, method, urlPath, { ...options, headers: { ...(options.token === false ? {} : { authorization: `Bearer ${token}` }), ...options.headers } }),
    stop: () => server.stop(),
  };
}

function deepMergeAdmin(config: Record<string, unknown>): Record<string, unknown> {
  const listeners = (config.listeners ?? {}) as Record<string, unknown>;
  return { ...config, listeners: { c2s: { requireTls: false }, ...listeners, admin: { host: '127.0.0.1', port: 0, ...((listeners.admin as object) ?? {}) } } };
}

/** One HTTP/1.1 request to the admin listener on 127.0.0.1, headers exactly as given. */
export function httpRequest(port: number, method: string, urlPath: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, localAddress: options.localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
