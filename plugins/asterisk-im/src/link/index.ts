export { LinkManager } from './link-manager';
export type { LinkManagerDeps } from './link-manager';
export { ServerLink } from './server-link';
export { HeldStateRequests } from './held-state-requests';
