import { hostname } from 'node:os';

/** Stable for the life of the process and distinct between processes on one host. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}
