import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../http/http-error';
import { readCookies, SESSION_COOKIE } from './cookies';
import { sameToken, type ConsoleSessions } from './console-sessions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Lets a signed-in console page call the admin API with its session cookie. A state-changing
 * request must also carry the session's CSRF token in `X-CSRF-Token`; without it the request
 * is refused even though the cookie is valid.
 */
export function consoleApiAuthorizer(sessions: ConsoleSessions): (request: IncomingMessage) => Promise<boolean> {
  return async (request) => {
    const session = await sessions.get(readCookies(request).get(SESSION_COOKIE));
    if (!session) return false;
    if (SAFE_METHODS.has(request.method ?? 'GET')) return true;
    const header = request.headers[CSRF_HEADER];
    if (!sameToken(Array.isArray(header) ? header[0] : header, session.csrf)) {
      throw new HttpError(403, 'csrf', `send the page's CSRF token in the ${CSRF_HEADER} header`);
    }
    return true;
  };
}
