export { KeyedRetry } from './keyed-retry';
export type { RetryTimers } from './keyed-retry';
