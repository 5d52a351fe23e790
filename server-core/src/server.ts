/** The entry the CLI starts: one node of the server. */
export { startServer } from './server/index';
export type { RunningServer, StartServerOptions } from './server/index';
