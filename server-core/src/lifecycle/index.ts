/** Lifecycle helpers shared by the core and the plugin host: scopes that undo, isolated callbacks and events. */
export { Scope } from './scope';
export type { TimerHandle } from './scope';
export { runIsolated, runIsolatedAwaited } from './run-isolated';
export { EventBus } from './event-bus';
