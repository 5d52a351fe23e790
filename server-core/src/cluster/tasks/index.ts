/** Named cluster tasks: the handler registry, timeouts and result shapes shared by both cluster implementations. */
export { ClusterTaskError } from './task-error';
export type { TaskErrorKind } from './task-error';
export { TaskRegistry } from './task-registry';
export type { TaskOutcome } from './task-registry';
export { withTaskTimeout } from './task-timeout';
export { toTaskResult, unwrapOutcome } from './task-results';
