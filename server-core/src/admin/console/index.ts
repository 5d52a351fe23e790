/**
 * The admin console: server-rendered pages on `/` of the admin listener, sign-in for
 * administrator accounts (HttpOnly SameSite=Strict session cookie, CSRF token on every
 * state-changing request), first-administrator setup with a one-time token, and the JSON
 * routes its pages use (cluster, sessions, users, plugin config forms).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CoreContext } from '../../core/core-context';
import type { PluginHost } from '../../plugins/plugin-host';
import { AggregatedWarnings, type Logger } from '../../log';
import type { AdminRoute } from '../admin-routes';
import { ConsoleSessions } from './console-sessions';
import { SetupToken, type SetupLink } from './setup-token';
import { consoleHandler } from './console-handler';
import { consoleApiAuthorizer } from './console-auth';
import { registerNodeTasks } from './api/node-tasks';
import { clusterRoutes } from './api/cluster-routes';
import { sessionRoutes } from './api/session-routes';
import { userRoutes } from './api/user-routes';
import { pluginFormRoutes } from './api/plugin-schema-routes';
import { LoginThrottle, type LoginThrottleLimits } from '../../auth';
import { bundledPluginFolder } from '../../plugins/bundled-plugins';

export { CSRF_HEADER } from './console-auth';
export { SESSION_COOKIE } from './cookies';
export { hasAdministrator } from './setup-token';
export { ConsoleExtensions, pluginAssetUrl } from '../../plugins/console-extensions';
export type { ConsolePageSpec, ConsolePageView } from '../../plugins/console-extensions';
export { html, raw, escapeHtml } from '../../http/html';
export type { RawHtml } from '../../http/html';
export { formField, formError } from '../../http/form-parts';

export interface AdminConsoleOptions {
  core: CoreContext;
  plugins: PluginHost;
  logger: Logger;
  signInLimits: LoginThrottleLimits;
}

export interface AdminConsole {
  /** Serves pages and forms; false for `/api/*` and `/metrics`, which the API handles. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** True when the request carries a console session (and, when it changes state, its CSRF token). */
  authorizes(request: IncomingMessage): Promise<boolean>;
  /** JSON routes the console's pages call; they accept the bearer token too. */
  readonly routes: AdminRoute[];
  /** Prints the one-time setup token when no administrator exists yet. */
  announceSetup(adminUrl: string): Promise<SetupLink | undefined>;
  close(): void;
}

export function createAdminConsole(options: AdminConsoleOptions): AdminConsole {
  const logger = options.logger.child({ component: 'admin-console' });
  const sessions = new ConsoleSessions(options.core.cluster, options.core.stores.accounts);
  const setup = new SetupToken();
  const removeTasks = registerNodeTasks(options.core);
  const throttle = new LoginThrottle(options.signInLimits);
  const warnings = new AggregatedWarnings(logger);
  return {
    serve: consoleHandler({
      core: options.core,
      sessions,
      setup,
      logger,
      throttle,
      warnings,
      extensions: options.plugins.console,
      pluginNotRunning: (name) => {
        const info = options.plugins.get(name);
        return info ? info.state !== 'running' : bundledPluginFolder(name) !== undefined;
      },
    }),
    authorizes: consoleApiAuthorizer(sessions),
    routes: [...clusterRoutes(options.core), ...sessionRoutes(options.core), ...userRoutes(options.core, sessions), ...pluginFormRoutes(options.plugins)],
    announceSetup: (adminUrl) => setup.prepare(options.core.stores.accounts, logger, adminUrl),
    close: () => {
      removeTasks();
      throttle.dispose();
      warnings.dispose();
    },
  };
}
