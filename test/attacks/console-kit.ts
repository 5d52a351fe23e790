/** Signing in to the admin console the way a browser would, from a chosen loopback address. */
import { httpRequest, type HttpAnswer } from './admin-kit';

export interface SignInAnswer extends HttpAnswer {
  /** The session cookie (`aim_console=...`) when the sign-in succeeded. */
  sessionCookie: string | undefined;
}

/** GET /login for the form's CSRF cookie and field, then POST the credentials. */
export async function consoleSignIn(port: number, username: string, password: string, from = '127.0.0.1'): Promise<SignInAnswer> {
  const form = await httpRequest(port, 'GET', '/login', { localAddress: from });
  const csrfCookie = (form.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('aim_form_csrf='));
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1];
  if (!csrfCookie || !csrf) throw new Error(`the sign-in page gave no CSRF token (status ${form.status})`);
  const body = new URLSearchParams({ csrf, username, password }).toString();
  const answer = await httpRequest(port, 'POST', '/login', { raw: body, contentType: 'application/x-www-form-urlencoded', headers: { cookie: csrfCookie }, localAddress: from });
  const sessionCookie = (answer.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('aim_console=') && c.length > 'aim_console='.length);
  return { ...answer, sessionCookie };
}

/** The text of the sign-in form's error paragraph. */
export function formError(html: string): string | undefined {
  return /<p class="form-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
}
