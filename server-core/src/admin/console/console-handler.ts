import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoreContext } from '../../core/core-context';
import type { AggregatedWarnings, Logger } from '../../log';
import { normaliseLocal } from '../../xml/jid';
import { StorageError } from '../../storage/stores';
import { HttpError } from '../../http/http-error';
import { ConsoleSessions, sameToken, type ConsoleSession } from './console-sessions';
import { SetupToken, hasAdministrator } from './setup-token';
import { readCookies, cookieHeader, SESSION_COOKIE, FORM_CSRF_COOKIE } from './cookies';
import { readFormBody } from './form-body';
import { sendHtml, redirect, sendAsset } from './http-response';
import { signInPage, setupPage, messagePage, type FieldErrors } from './pages/auth-pages';
import { appPage, isAppPage } from './pages/app-pages';
import { pluginPage, pluginUnavailablePage } from './pages/plugin-pages';
import type { ConsoleExtensions } from '../../plugins/console-extensions';
import type { LoginThrottle, ThrottleVerdict } from '../../auth';

export const MIN_ADMIN_PASSWORD_LENGTH = 8;
/**
 * Slows password guessing through the form (verifyPassword itself is constant time): the
 * delay doubles with each failure of the same account from the same address, up to the cap.
 */
export const SIGN_IN_FAILURE_DELAY_MS = 300;
export const MAX_SIGN_IN_FAILURE_DELAY_MS = 5000;
/** The account name failures are counted under when the form's username is not a valid one. */
const INVALID_USERNAME = '(invalid)';

const ASSETS: Record<string, string> = { 'console.js': 'text/javascript; charset=utf-8', 'console.css': 'text/css; charset=utf-8' };
const ASSET_DIR = path.join(__dirname, 'assets');

export interface ConsoleHandlerDeps {
  core: CoreContext;
  sessions: ConsoleSessions;
  setup: SetupToken;
  logger: Logger;
  throttle: LoginThrottle;
  /** Failed and refused sign-ins, which a guesser repeats at will. */
  warnings: AggregatedWarnings;
  /** Pages and assets plugins added. */
  extensions: ConsoleExtensions;
  /** True for a plugin installed or bundled but not running here, whose pages are missing for that reason. */
  pluginNotRunning(name: string): boolean;
}

/** Serves the console's pages, sign-in, setup, sign-out and static files. Answers false for `/api/*` and `/metrics`. */
export function consoleHandler(deps: ConsoleHandlerDeps): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const { core, sessions, setup, logger, throttle, warnings, extensions } = deps;
  const nodeId = core.nodeId;
  const accounts = core.stores.accounts;

  const formCsrf = (request: IncomingMessage) => {
    const existing = readCookies(request).get(FORM_CSRF_COOKIE);
    const value = existing && existing.length >= 32 ? existing : crypto.randomBytes(24).toString('base64url');
    return { value, cookie: cookieHeader(FORM_CSRF_COOKIE, value, 3600) };
  };
  const formCsrfValid = (request: IncomingMessage, form: URLSearchParams) => {
    const expected = readCookies(request).get(FORM_CSRF_COOKIE);
    return expected !== undefined && sameToken(form.get('csrf') ?? undefined, expected);
  };
  const current = async (request: IncomingMessage): Promise<{ id: string; session: ConsoleSession } | undefined> => {
    const id = readCookies(request).get(SESSION_COOKIE);
    const session = await sessions.get(id);
    return session && id ? { id, session } : undefined;
  };
  const signIn = async (response: ServerResponse, username: string) => {
    const { id } = await sessions.create(username);
    logger.info({ admin: username }, 'administrator signed in to the console');
    redirect(response, '/cluster', [cookieHeader(SESSION_COOKIE, id, sessions.ttlSeconds), cookieHeader(FORM_CSRF_COOKIE, '', 0)]);
  };

  async function login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readFormBody(request);
    const csrf = formCsrf(request);
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const errors: FieldErrors = {};
    if (!formCsrfValid(request, form)) errors.form = 'The form expired; please sign in again.';
    if (!username) errors.username = 'Enter your username.';
    if (!password) errors.password = 'Enter your password.';
    if (Object.keys(errors).length === 0) {
      const local = safeLocal(username);
      const address = request.socket.remoteAddress ?? 'unknown';
      const verdict = throttle.check(address, local ?? INVALID_USERNAME);
      if (!verdict.allowed) {
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        warnings.warn(`console-sign-in-throttled: ${verdict.reason}`, { username: local ?? '(invalid)', address, reason: verdict.reason }, 'console sign-in refused: too many failures');
        errors.form = `${SIGN_IN_REFUSALS[verdict.reason]}; try again in ${seconds} seconds.`;
        return sendHtml(response, 429, signInPage(nodeId, csrf.value, { username }, errors), [csrf.cookie], { 'retry-after': String(seconds) });
      }
      const account = local ? await accounts.get(local) : undefined;
      const passwordOk = local ? await accounts.verifyPassword(local, password) : false;
      if (local && account?.isAdmin && passwordOk) {
        throttle.recordSuccess(address, local);
        return signIn(response, local);
      }
      throttle.recordFailure(address, local ?? INVALID_USERNAME);
      const failures = throttle.pairFailures(address, local ?? INVALID_USERNAME);
      await new Promise((resolve) => setTimeout(resolve, Math.min(SIGN_IN_FAILURE_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_SIGN_IN_FAILURE_DELAY_MS)));
      warnings.warn('console-sign-in-failed', { username: local ?? '(invalid)', address }, 'console sign-in refused');
      // One message for both cases, so the form does not tell which accounts are administrators.
      errors.password = 'Wrong username or password, or the account is not an administrator.';
    }
    sendHtml(response, 401, signInPage(nodeId, csrf.value, { username }, errors), [csrf.cookie]);
  }

  async function createFirstAdmin(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readFormBody(request);
    const csrf = formCsrf(request);
    if (!setup.pending || (await hasAdministrator(accounts))) {
      return sendHtml(response, 409, messagePage(nodeId, 'Already set up', 'An administrator exists; setup is closed.', { href: '/login', label: 'Sign in' }));
    }
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const errors: FieldErrors = {};
    if (!formCsrfValid(request, form)) errors.form = 'The form expired; please try again.';
    if (!setup.matches(form.get('setupToken')?.trim())) errors.setupToken = 'This is not the setup token the server printed at start.';
    const local = safeLocal(username);
    if (!username) errors.username = 'Enter a username.';
    else if (!local) errors.username = 'A username may not contain spaces or any of " & \' / : < > @.';
    if (password.length < MIN_ADMIN_PASSWORD_LENGTH) errors.password = `Use at least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`;
    if (Object.keys(errors).length === 0 && local) {
      try {
        await accounts.create(local, password, { isAdmin: true });
        setup.consume();
        logger.info({ admin: local }, 'first administrator created; the setup token is spent');
        return signIn(response, local);
      } catch (err) {
        if (!(err instanceof StorageError && err.kind === 'conflict')) throw err;
        errors.username = 'This account exists already; choose another name.';
      }
    }
    sendHtml(response, 400, setupPage(nodeId, csrf.value, { username }, errors), [csrf.cookie]);
  }

  /** A plugin page that fails to render is that plugin's fault: logged with its name, the console goes on. */
  function sendPluginPage(response: ServerResponse, render: () => string, plugin: string): void {
    let body: string;
    try {
      body = render();
    } catch (err) {
      logger.error({ err, plugin }, 'a plugin console page failed to render');
      return sendHtml(response, 500, messagePage(nodeId, 'Page failed', `The ${plugin} plugin could not render this page; see the server log.`, { href: '/plugins', label: 'Plugins' }));
    }
    sendHtml(response, 200, body);
  }

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://admin');
    const route = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    if (route === '/metrics' || route === '/api' || route.startsWith('/api/')) return false;

    if (method === 'GET' && route.startsWith('/assets/plugins/')) {
      const asset = extensions.asset(route);
      if (!asset) throw new HttpError(404, 'not-found', `no asset ${route.slice('/assets/'.length)}`);
      sendAsset(response, asset.contentType, await fs.promises.readFile(asset.file));
      return true;
    }
    if (method === 'GET' && route.startsWith('/assets/')) {
      const name = route.slice('/assets/'.length);
      if (!Object.hasOwn(ASSETS, name)) throw new HttpError(404, 'not-found', `no asset ${name}`);
      sendAsset(response, ASSETS[name], await fs.promises.readFile(path.join(ASSET_DIR, name)));
      return true;
    }
    const signedIn = await current(request);
    if (method === 'GET' && route === '/') {
      if (signedIn) redirect(response, '/cluster');
      else redirect(response, setup.pending && !(await hasAdministrator(accounts)) ? '/setup' : '/login');
      return true;
    }
    if (route === '/login' && method === 'GET') {
      const csrf = formCsrf(request);
      sendHtml(response, 200, signInPage(nodeId, csrf.value), [csrf.cookie]);
      return true;
    }
    if (route === '/login' && method === 'POST') {
      await login(request, response);
      return true;
    }
    if (route === '/setup' && method === 'GET') {
      if (!setup.pending || (await hasAdministrator(accounts))) {
        sendHtml(response, 200, messagePage(nodeId, 'Already set up', 'An administrator exists; setup is closed.', { href: '/login', label: 'Sign in' }));
      } else {
        const csrf = formCsrf(request);
        sendHtml(response, 200, setupPage(nodeId, csrf.value), [csrf.cookie]);
      }
      return true;
    }
    if (route === '/setup' && method === 'POST') {
      await createFirstAdmin(request, response);
      return true;
    }
    if (route === '/logout' && method === 'POST') {
      const form = await readFormBody(request);
      if (!signedIn || !sameToken(form.get('csrf') ?? undefined, signedIn.session.csrf)) throw new HttpError(403, 'csrf', 'the sign-out form lacks a valid CSRF token');
      await sessions.destroy(signedIn.id);
      redirect(response, '/login', [cookieHeader(SESSION_COOKIE, '', 0)]);
      return true;
    }
    const page = route.slice(1);
    const added = extensions.page(route);
    const plugin = page.split('/')[0];
    if (method === 'GET' && (isAppPage(page) || added || deps.pluginNotRunning(plugin))) {
      if (!signedIn) {
        redirect(response, '/login');
        return true;
      }
      const frame = { nodeId, user: signedIn.session.username, csrf: signedIn.session.csrf, nav: extensions.nav() };
      if (isAppPage(page)) sendHtml(response, 200, appPage(page, frame));
      else if (!added) sendHtml(response, 200, pluginUnavailablePage(plugin, frame));
      else sendPluginPage(response, () => pluginPage(added, frame), added.plugin);
      return true;
    }
    sendHtml(response, 404, messagePage(nodeId, 'Not found', `There is no page ${route}.`, { href: '/', label: 'Home' }));
    return true;
  };
}

const SIGN_IN_REFUSALS: Record<Exclude<ThrottleVerdict, { allowed: true }>['reason'], string> = {
  address: 'Too many failed sign-ins from this address',
  account: 'Too many failed sign-ins for this account',
  'account-and-address': 'Too many failed sign-ins for this account from this address',
};

function safeLocal(username: string): string | undefined {
  try {
    return normaliseLocal(username);
  } catch {
    return undefined;
  }
}
