import type { ServerResponse } from 'node:http';

/** Headers every console answer carries: no framing, no sniffing, no caching, scripts from this origin only. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function sendHtml(response: ServerResponse, status: number, body: string, cookies: string[] = [], headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  response.end(body);
}

export function redirect(response: ServerResponse, location: string, cookies: string[] = []): void {
  response.writeHead(303, { ...SECURITY_HEADERS, location, ...(cookies.length ? { 'set-cookie': cookies } : {}) });
  response.end();
}

export function sendAsset(response: ServerResponse, contentType: string, body: Buffer): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': contentType, 'content-length': body.length });
  response.end(body);
}
