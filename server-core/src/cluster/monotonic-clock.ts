/**
 * Milliseconds from a clock that never jumps with wall-clock changes. Seniority deadlines and
 * cache expiry use it so an NTP step or a manual date change cannot extend a lease.
 */
export type MonotonicClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();
