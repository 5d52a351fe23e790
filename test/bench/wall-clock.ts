import { performance } from 'node:perf_hooks';

/**
 * Milliseconds on a clock every process of this machine shares (wall-clock origin, monotonic
 * progress), so a time taken in the load generator and one taken in the watcher process compare.
 */
export const wallNowMs = (): number => performance.timeOrigin + performance.now();
