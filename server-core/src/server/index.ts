export { startServer } from './xmpp-server';
export type { RunningServer, StartServerOptions } from './xmpp-server';
export type { CoreContext, CoreEvents, CoreLimits, BlockingCheck, DiscoInfoProvider } from '../core/core-context';
export { SessionManager } from '../session/session-manager';
export type { SessionPresence } from '../session/session-manager';
