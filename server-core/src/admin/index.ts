/** The admin HTTP API (health, plugin management, plugin routes) and its bearer token. */
export { startAdminServer } from './admin-server';
export type { AdminServer, AdminServerOptions } from './admin-server';
export { resolveAdminToken, readAdminToken, isAuthorized, ADMIN_TOKEN_ENV, ADMIN_TOKEN_FILE } from './admin-token';
export type { AdminToken } from './admin-token';

export { HttpError } from '../http/http-error';
