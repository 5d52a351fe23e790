import { compilePath } from '../../../http/path-pattern';
import type { AdminRoute } from '../../admin-routes';

/** Builds an admin route (always behind the token or a console session). */
export function route(method: string, path: string, handle: AdminRoute['handle']): AdminRoute {
  return { method, pattern: compilePath(path), handle };
}
