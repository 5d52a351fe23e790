import type { IncomingMessage } from 'node:http';

/** Cookie names of the console; `__Host-` is not used because the listener is plain HTTP on localhost. */
export const SESSION_COOKIE = 'aim_console';
export const FORM_CSRF_COOKIE = 'aim_form_csrf';

export function readCookies(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of String(request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie is ignored rather than failing the request.
    }
  }
  return cookies;
}

/** HttpOnly and SameSite=Strict always: scripts never read it and other sites never send it. */
export function cookieHeader(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}
