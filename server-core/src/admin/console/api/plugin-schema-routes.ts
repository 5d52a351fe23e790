import type { PluginHost } from '../../../plugins/plugin-host';
import type { JsonValue } from '../../../cluster/types';
import type { AdminRoute } from '../../admin-routes';
import { HttpError } from '../../../http/http-error';
import { describeSchema } from '../schema-form';
import { route } from './route-builder';

/**
 * `GET /api/plugin-forms/:name`: the form fields of a plugin's config schema with its current
 * (secret-masked) config. Outside `/api/plugins/` so it never shadows a plugin's own routes.
 */
export function pluginFormRoutes(plugins: PluginHost): AdminRoute[] {
  return [
    route('GET', '/api/plugin-forms/:name', ({ params }) => {
      const info = plugins.get(params.name);
      if (!info) throw new HttpError(404, 'not-found', `no plugin named ${params.name}`, 'name');
      return { name: info.name, config: info.config, fields: describeSchema(plugins.configSchema(info.name)) as unknown as JsonValue };
    }),
  ];
}
