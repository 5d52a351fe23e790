import { EventEmitter } from 'eventemitter3';
import { silentLogger, type Logger } from '../log';
import { CacheRegistry, InMemoryCacheStore, type ReplicatedCache } from './cache';
import { TopicHandlers } from './messages';
import { defaultNodeId } from './node-id';
import { ClusterTaskError, TaskRegistry, toTaskResult, unwrapOutcome, withTaskTimeout } from './tasks';
import type { CacheOptions, Cluster, ClusterEvents, Disposable, JsonValue, MessageHandler, TaskHandler, TaskOptions, TaskResult } from './types';

export interface InProcessClusterOptions {
  nodeId?: string;
  logger?: Logger;
  /** Default timeout of task calls. Default 5000 ms. */
  taskTimeoutMs?: number;
}

export const IN_PROCESS_DEFAULTS = { taskTimeoutMs: 5000 } as const;

/** A cluster of one: always senior once started, caches are local, tasks and messages loop back. */
export class InProcessCluster extends EventEmitter<ClusterEvents> implements Cluster {
  readonly nodeId: string;
  readonly clustered = false;
  private readonly logger: Logger;
  private readonly taskTimeoutMs: number;
  private readonly caches: CacheRegistry;
  private readonly store: InMemoryCacheStore;
  private readonly tasks = new TaskRegistry();
  private readonly topics: TopicHandlers;
  private running = false;
  /** Loop-back deliveries not yet run; cancelled on stop. */
  private readonly queued = new Set<NodeJS.Immediate>();

  constructor(options: InProcessClusterOptions = {}) {
    super();
    this.nodeId = options.nodeId ?? defaultNodeId();
    this.logger = (options.logger ?? silentLogger()).child({ component: 'cluster', nodeId: this.nodeId });
    this.taskTimeoutMs = options.taskTimeoutMs ?? IN_PROCESS_DEFAULTS.taskTimeoutMs;
    this.caches = new CacheRegistry(this.nodeId, this.logger, () => this.seniorToken());
    this.store = new InMemoryCacheStore(this.nodeId, (name, change) => this.caches.deliver(name, change), () => this.seniorToken());
    this.topics = new TopicHandlers(this.logger);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.emit('joinedCluster');
    this.emit('markedSenior');
  }

  /** A single node has nobody to hand seniority to: it stays senior until stop(). */
  async handOverSeniority(): Promise<void> {}

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const immediate of this.queued) clearImmediate(immediate);
    this.queued.clear();
    this.emit('lostSeniority');
    this.emit('leftCluster');
  }

  isSenior(): boolean {
    return this.running;
  }

  seniorToken(): number | null {
    return this.running ? 1 : null;
  }

  seniorId(): string | null {
    return this.running ? this.nodeId : null;
  }

  members(): string[] {
    return [this.nodeId];
  }

  createCache<V extends JsonValue = JsonValue>(name: string, options: CacheOptions = {}): ReplicatedCache<V> {
    return this.caches.getOrCreate<V>(name, options, this.store, (cache) => cache.markLoaded());
  }

  registerTask(name: string, handler: TaskHandler): Disposable {
    return this.tasks.register(name, handler);
  }

  async runOnAll(name: string, payload: JsonValue, options?: TaskOptions): Promise<TaskResult[]> {
    return [toTaskResult(this.nodeId, await this.runLocal(name, payload, options))];
  }

  async runOnNode(nodeId: string, name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined> {
    if (nodeId !== this.nodeId) throw new ClusterTaskError('no-handler', name, nodeId, 'no such member');
    return unwrapOutcome(name, nodeId, await this.runLocal(name, payload, options));
  }

  async runOnSenior(name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined> {
    if (!this.running) throw new ClusterTaskError('no-senior', name, null);
    return unwrapOutcome(name, this.nodeId, await this.runLocal(name, payload, options));
  }

  send(nodeId: string, topic: string, payload: string): void {
    if (nodeId !== this.nodeId) {
      this.logger.warn({ to: nodeId, topic }, 'message to unknown member dropped');
      return;
    }
    // setImmediate keeps send order and never re-enters the caller.
    const immediate = setImmediate(() => {
      this.queued.delete(immediate);
      this.topics.deliver(topic, payload, this.nodeId);
    });
    this.queued.add(immediate);
  }

  onMessage(topic: string, handler: MessageHandler): Disposable {
    return this.topics.add(topic, handler);
  }

  private runLocal(name: string, payload: JsonValue, options?: TaskOptions) {
    const outcome = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.tasks.run(name, payload, this.nodeId));
    return withTaskTimeout(outcome, options?.timeoutMs ?? this.taskTimeoutMs);
  }
}
