/**
 * The session layer: a bound client resource (ClientSession), this node's sessions, the
 * cluster-wide route table of every node's resources, binding, and ending sessions anywhere.
 */
export { ClientSession } from './client-session';
export type { SessionHost, SessionContinuity } from './client-session';
export { SessionOutput } from './session-output';
export type { OutputStage, OutputStageHandle } from './session-output';
export { LocalSessions } from './local-sessions';
export { RouteTable, ROUTES_CACHE } from './route-table';
export type { Route, ResourceRoute } from './route-table';
export { SessionEnding } from './session-ending';
export type { EndSessionsRequest } from './session-ending';
export { revocation } from './revocation';
export { SessionManager } from './session-manager';
export type { SessionPresence, SessionManagerDeps } from './session-manager';
export type { InterceptOutcome, StanzaDirection, SessionInterceptors, SessionRouter, SessionEvents } from './session-ports';
