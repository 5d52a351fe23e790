/**
 * Key and channel names. Every key carries the hash tag `{namespace}` so all keys of one
 * cluster live in one Redis Cluster slot and multi-key scripts work there too.
 */
export class ClusterKeys {
  private readonly prefix: string;

  constructor(namespace: string) {
    this.prefix = `{${namespace}}`;
  }

  readonly members = (): string => `${this.prefix}:members`;
  readonly lease = (): string => `${this.prefix}:senior`;
  readonly leaseToken = (): string => `${this.prefix}:senior:token`;
  /** Set for one lease time when Redis is found to have lost its data: nobody may take the lease meanwhile. */
  readonly leaseQuarantine = (): string => `${this.prefix}:senior:quarantine`;
  /** Join, leave and lease-released announcements. */
  readonly controlChannel = (): string => `${this.prefix}:control`;
  /** Task requests, task replies and messages addressed to one node. */
  readonly nodeChannel = (nodeId: string): string => `${this.prefix}:node:${nodeId}`;
  readonly cacheHash = (name: string): string => `${this.prefix}:cache:${name}`;
  readonly cacheOrder = (name: string): string => `${this.prefix}:cache:${name}:order`;
  readonly cacheSeq = (name: string): string => `${this.prefix}:cache:${name}:seq`;
  /** Incarnation of the cache in Redis; it changes when Redis lost the cache (restart without persistence). */
  readonly cacheEpoch = (name: string): string => `${this.prefix}:cache:${name}:epoch`;
  readonly cacheChannel = (name: string): string => `${this.prefix}:cache:${name}:changes`;
}
