/** Lifecycle helpers shared by the core and the plugin host: isolated callbacks and events. */
export { runIsolated, runIsolatedAwaited } from './run-isolated';
export { EventBus } from './event-bus';
