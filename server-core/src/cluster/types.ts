import type { EventEmitter } from 'eventemitter3';

/**
 * The cluster vocabulary plugins and the core rely on. Names follow Openfire's
 * ClusterEventListener / CacheFactory / ClusterTask so people who know it find their way.
 * Two implementations answer the same calls: in-process (single node, always senior)
 * and Redis-backed (several processes).
 */
export interface ClusterEvents {
  /** This node is now a member (in-process: right after start). */
  joinedCluster: () => void;
  /** This node left (stop, or lost its coordination link). */
  leftCluster: () => void;
  memberJoined: (nodeId: string) => void;
  memberLeft: (nodeId: string) => void;
  /** This node became the senior member. */
  markedSenior: () => void;
  /** This node is no longer senior (lease lost, handed over, or stopping). */
  lostSeniority: () => void;
}

export interface CacheOptions {
  /** Absent: unlimited. When exceeded the oldest written entries are evicted. */
  maxEntries?: number;
  /** Absent: entries never expire. */
  ttlMs?: number;
  /**
   * Who puts entries back when Redis lost the cache (restart without persistence, failover to an
   * empty replica). `any` (default): every node merges its copy, the newest write of each entry
   * winning. `writer`: only the node that last wrote an entry puts it back. Use `writer` where
   * one node is the authority for each entry (the senior's state, a node's own sessions): a
   * removal that Redis lost cannot then be undone by another node's older copy.
   */
  restoredBy?: 'any' | 'writer';
  /**
   * Who writes the cache. `any` (default): every node. `senior`: only the senior, and its writes
   * are fenced: each carries the fencing token of the lease it was issued under, and the store
   * refuses it unless that lease is still the current one. A senior paused past its lease (or
   * cut off) may wake with writes still on their way to Redis; without the fence they would land
   * after the new senior's and replace its state. A refused write, or one made while this node is
   * not senior, rejects with `FencedWriteError`; the local copy then reloads the store's content.
   */
  writtenBy?: 'any' | 'senior';
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface CacheEntryEvent<V> {
  key: string;
  /** undefined when the entry was removed */
  value: V | undefined;
  previous: V | undefined;
  /** node that made the change */
  origin: string;
}

export interface CacheEvents<V> {
  /** Fires on every node for a change made on any node (including this one). */
  entry: (event: CacheEntryEvent<V>) => void;
  cleared: (origin: string) => void;
}

/**
 * A replicated cache: reads are local and synchronous; writes apply locally at once and
 * are replicated to every node. JSON values only.
 */
export interface ClusterCache<V = JsonValue> extends EventEmitter<CacheEvents<V>> {
  readonly name: string;
  get(key: string): V | undefined;
  has(key: string): boolean;
  keys(): string[];
  entries(): Array<[string, V]>;
  readonly size: number;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** Cluster-wide clear. */
  clear(): Promise<void>;
  /**
   * Resolves once the local copy holds the cluster's content (at once in process). Reads before
   * that see only what this node wrote; use it before acting on the absence of an entry.
   */
  ready(): Promise<void>;
  /**
   * Resolves once every write this node made to this cache so far has come back through the
   * cluster's ordered change stream (or is known lost): this node has then also applied every
   * change of any cache that other nodes published before those writes (one subscriber
   * connection carries them all, in order). The barrier for "write, then read what others wrote
   * before": two nodes that each write and then read after it cannot both miss the other.
   */
  settled(): Promise<void>;
}

export type TaskHandler = (payload: JsonValue, fromNode: string) => JsonValue | void | Promise<JsonValue | void>;

export interface TaskOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

export type TaskResult = { nodeId: string; ok: true; value: JsonValue | undefined } | { nodeId: string; ok: false; error: string };

export type MessageHandler = (payload: string, fromNode: string) => void;

export interface Disposable {
  dispose(): void;
}

export interface Cluster extends EventEmitter<ClusterEvents> {
  readonly nodeId: string;
  /** True for the Redis-backed implementation. Plugins must not branch on it; it is for diagnostics. */
  readonly clustered: boolean;
  start(): Promise<void>;
  /** Leaves the cluster; a senior hands seniority over at once. */
  stop(): Promise<void>;
  /**
   * The first step of a graceful shutdown: stops competing for seniority and, when senior,
   * releases it at once so another node takes over while this one is still winding down.
   * Membership, caches, tasks and messages keep working until stop().
   */
  handOverSeniority(): Promise<void>;
  /**
   * True only while this node holds a lease that has not reached its own monotonic
   * deadline. Call it right before every external action a senior performs.
   */
  isSenior(): boolean;
  /** Fencing token of the lease this node holds, or null when not senior. */
  seniorToken(): number | null;
  /** Node id of the current senior as last seen, or null. */
  seniorId(): string | null;
  /** Ids of live members including this node. */
  members(): string[];
  createCache<V extends JsonValue = JsonValue>(name: string, options?: CacheOptions): ClusterCache<V>;
  /** Registers a named task on this node. The returned handle unregisters it. */
  registerTask(name: string, handler: TaskHandler): Disposable;
  runOnAll(name: string, payload: JsonValue, options?: TaskOptions): Promise<TaskResult[]>;
  runOnNode(nodeId: string, name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined>;
  runOnSenior(name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined>;
  /** Fire-and-forget message to one node's handler for `topic` (used for stanza routing). Ordered per sender. */
  send(nodeId: string, topic: string, payload: string): void;
  onMessage(topic: string, handler: MessageHandler): Disposable;
}
