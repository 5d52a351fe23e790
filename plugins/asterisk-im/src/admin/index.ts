/**
 * The plugin's admin API, under `/api/plugins/asterisk-im/`: Asterisk servers
 * (secrets never returned; connection test), device mappings and the endpoint
 * pick-list, settings, the live status, and each user's call log and phone privacy. Bodies are validated with zod and
 * errors name the field.
 */
import type { AsteriskImRuntime } from '../runtime';
import { registerCallLogRoutes } from './call-log-routes';
import { registerPrivacyRoutes } from './privacy-routes';
import { registerDeviceRoutes } from './device-routes';
import { registerEndpointRoutes } from './endpoint-list';
import { registerServerRoutes } from './server-routes';
import { registerSettingsRoutes } from './settings-routes';
import { registerStatusRoutes } from './status-routes';

export function registerAdminRoutes(runtime: AsteriskImRuntime): void {
  registerServerRoutes(runtime);
  registerEndpointRoutes(runtime);
  registerDeviceRoutes(runtime);
  registerSettingsRoutes(runtime);
  registerStatusRoutes(runtime);
  registerCallLogRoutes(runtime);
  registerPrivacyRoutes(runtime);
}
