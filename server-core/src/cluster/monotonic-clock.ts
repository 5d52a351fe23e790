/**
 * Milliseconds from a clock that never jumps with wall-clock changes. Seniority deadlines and
 * cache expiry use it so an NTP step or a manual date change cannot extend a lease.
 */
export type MonotonicClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();

/**
 * The host's monotonic clock in ms (CLOCK_MONOTONIC on Linux): unlike `performance.now()` it
 * has one origin for every process on the machine, so log lines of several nodes on one host
 * can be put in one order. It keeps running while a process is stopped (SIGSTOP).
 */
export const hostMonotonicNow: MonotonicClock = () => Number(process.hrtime.bigint() / 1000n) / 1000;
