/** HTTP primitives shared by the admin API and plugin routes: path patterns, JSON bodies, errors. */
export { compilePath } from './path-pattern';
export type { PathPattern } from './path-pattern';
export { HttpError } from './http-error';
export { readJsonBody } from './json-body';
export { PublicRoutes } from './public-routes';
export type { PublicRequest, PublicAnswer, PublicRouteHandler } from './public-routes';
