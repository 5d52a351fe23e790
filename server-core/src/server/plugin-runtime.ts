import type { ServerConfig } from '../config';
import type { Logger } from '../log';
import type { CoreContext } from '../core/core-context';
import { startAdminServer, type AdminServer } from '../admin/admin-server';
import { resolveAdminToken } from '../admin/admin-token';
import type { PluginHost } from '../plugins/plugin-host';
import { loginThrottleLimits } from '../auth/login-throttle-limits';
import type { SetupLink } from '../admin/console/setup-token';

export interface PluginRuntime {
  readonly plugins: PluginHost;
  /** Where the admin API listens, when it is on. */
  readonly adminAddress: { host: string; port: number } | undefined;
  /** The one-time setup page and token while no administrator exists. */
  readonly setup: SetupLink | undefined;
  /** Where the admin API token is kept (unless AIM_ADMIN_TOKEN gives it). */
  readonly adminTokenFile: string | undefined;
  /** Stops the admin API, then every plugin (newest first); the core modules stay until stopCore. */
  stop(): Promise<void>;
}

/**
 * Starts the configured plugins and the admin API of one node, on a host whose core modules
 * already run. Called once the listeners are up, so a plugin sees a server that already
 * accepts clients.
 */
export async function startPluginRuntime(config: ServerConfig, core: CoreContext, plugins: PluginHost, logger: Logger): Promise<PluginRuntime> {
  await plugins.startPlugins();
  let admin: AdminServer | undefined;
  let adminTokenFile: string | undefined;
  if (config.listeners.admin) {
    const token = resolveAdminToken(config.dataDir);
    adminTokenFile = token.source === 'file' ? token.file : undefined;
    if (token.created) logger.warn({ file: token.file }, 'created the admin API token; clients read it from this file');
    try {
      admin = await startAdminServer({ ...config.listeners.admin, signInLimits: loginThrottleLimits(config), token: token.token, core, plugins, logger });
    } catch (err) {
      await plugins.stopPlugins();
      throw err;
    }
    logger.info({ address: admin.address }, 'admin API listening');
  }
  return {
    plugins,
    adminAddress: admin?.address,
    setup: admin?.setup,
    adminTokenFile,
    async stop() {
      await admin?.close();
      await plugins.stopPlugins();
    },
  };
}
