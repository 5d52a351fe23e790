import { EventEmitter } from 'eventemitter3';
import { silentLogger, type Logger } from '../../log';
import { CacheRegistry, type ReplicatedCache } from '../cache';
import { TopicHandlers } from '../messages';
import { monotonicNow } from '../monotonic-clock';
import { defaultNodeId } from '../node-id';
import { ClusterTaskError, TaskRegistry, toTaskResult, unwrapOutcome } from '../tasks';
import type { CacheOptions, Cluster, ClusterEvents, Disposable, JsonValue, MessageHandler, TaskHandler, TaskOptions, TaskResult } from '../types';
import { ChannelSubscriber } from './channel-subscriber';
import { connectRedis, type RedisClient } from './connection';
import { ClusterKeys } from './keys';
import { Membership } from './membership';
import { NodeChannel } from './node-channel';
import { resolveRedisClusterOptions, type RedisClusterOptions, type ResolvedRedisClusterOptions } from './options';
import { RedisCacheBackend } from './redis-cache-backend';
import { defineScripts } from './scripts';
import { SeniorityLease } from './seniority-lease';

type ControlMessage = { type: 'joined' | 'left' | 'released'; node: string };

/** A cluster node coordinated through Redis: membership, seniority lease, replicated caches, tasks and messages. */
export class RedisCluster extends EventEmitter<ClusterEvents> implements Cluster {
  readonly nodeId: string;
  readonly clustered = true;
  readonly options: ResolvedRedisClusterOptions;
  private readonly logger: Logger;
  private readonly keys: ClusterKeys;
  private readonly commands: RedisClient;
  private readonly subscriberClient: RedisClient;
  private readonly subscriber: ChannelSubscriber;
  private readonly caches: CacheRegistry;
  private readonly cacheBackend: RedisCacheBackend;
  private readonly tasks = new TaskRegistry();
  private readonly topics: TopicHandlers;
  private readonly channel: NodeChannel;
  private readonly membership: Membership;
  private readonly lease: SeniorityLease;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private joinedBefore = false;

  constructor(options: RedisClusterOptions = {}) {
    super();
    this.options = resolveRedisClusterOptions(options, defaultNodeId());
    const o = this.options;
    this.nodeId = o.nodeId;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'cluster', nodeId: this.nodeId });
    this.keys = new ClusterKeys(o.namespace);
    // A senior steps down when the master moves: renewals it made on the old master after the
    // replica was promoted never reached the new one, where the lease may already be free.
    this.commands = connectRedis(o.redis, 'commands', o.reconnectMaxDelayMs, this.logger, () => this.lease.stepDown('redis master switched'));
    this.subscriberClient = connectRedis(o.redis, 'subscriber', o.reconnectMaxDelayMs, this.logger);
    defineScripts(this.commands);
    this.subscriber = new ChannelSubscriber(this.subscriberClient, this.logger, () => this.onReconnected());
    this.caches = new CacheRegistry(this.nodeId, this.logger, () => this.lease.token());
    this.cacheBackend = new RedisCacheBackend(this.commands, this.subscriber, this.keys, this.caches, o.resyncRetryMs, this.logger);
    this.topics = new TopicHandlers(this.logger);
    this.channel = new NodeChannel(this.nodeId, this.commands, this.keys, this.tasks, this.topics, this.logger);
    this.membership = new Membership(this.nodeId, this.commands, this.keys, o, {
      joined: () => this.onJoined(),
      left: () => this.emit('leftCluster'),
      memberJoined: (id) => id !== this.nodeId && this.emit('memberJoined', id),
      memberLeft: (id) => id !== this.nodeId && this.emit('memberLeft', id),
    }, this.logger, monotonicNow);
    this.lease = new SeniorityLease(this.nodeId, this.commands, this.keys, o, {
      gained: () => this.emit('markedSenior'),
      lost: () => this.emit('lostSeniority'),
    }, this.logger, monotonicNow);
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`cluster node ${this.nodeId} cannot start twice`);
    this.state = 'running';
    try {
      await this.subscriber.subscribe(this.keys.controlChannel(), (raw) => this.onControl(raw));
      await this.channel.listen(this.subscriber);
      await this.membership.start();
      await this.cacheBackend.resyncAll();
      await this.lease.start();
    } catch (err) {
      await this.stop();
      throw new Error(`cluster node ${this.nodeId} could not join through Redis: ${(err as Error).message}`);
    }
  }

  async handOverSeniority(): Promise<void> {
    await this.lease.stop();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    await this.lease.stop();
    await this.membership.stop();
    this.cacheBackend.close();
    this.channel.close();
    this.caches.disposeAll();
    this.tasks.clear();
    this.topics.clear();
    await Promise.all([this.quit(this.commands), this.quit(this.subscriberClient)]);
    if (wasRunning) this.emit('leftCluster');
  }

  isSenior(): boolean {
    return this.lease.isSenior();
  }

  seniorToken(): number | null {
    return this.lease.token();
  }

  seniorId(): string | null {
    return this.lease.seniorId();
  }

  members(): string[] {
    return this.membership.members();
  }

  createCache<V extends JsonValue = JsonValue>(name: string, options: CacheOptions = {}): ReplicatedCache<V> {
    return this.caches.getOrCreate<V>(name, options, this.cacheBackend, (cache) => this.cacheBackend.attach(cache as unknown as ReplicatedCache<JsonValue>));
  }

  registerTask(name: string, handler: TaskHandler): Disposable {
    return this.tasks.register(name, handler);
  }

  async runOnAll(name: string, payload: JsonValue, options?: TaskOptions): Promise<TaskResult[]> {
    const timeoutMs = options?.timeoutMs ?? this.options.taskTimeoutMs;
    return Promise.all(this.members().map(async (id) => toTaskResult(id, await this.channel.call(id, name, payload, timeoutMs))));
  }

  async runOnNode(nodeId: string, name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined> {
    const outcome = await this.channel.call(nodeId, name, payload, options?.timeoutMs ?? this.options.taskTimeoutMs);
    return unwrapOutcome(name, nodeId, outcome);
  }

  /**
   * Runs on the senior; when this node knows of none (it just lost the lease, or seniority is
   * changing hands) it waits up to one lease time, within the task's timeout, for one.
   */
  async runOnSenior(name: string, payload: JsonValue, options?: TaskOptions): Promise<JsonValue | undefined> {
    const timeoutMs = options?.timeoutMs ?? this.options.taskTimeoutMs;
    const started = performance.now();
    const senior = this.seniorId() ?? (await this.lease.findSenior(Math.min(timeoutMs, this.options.leaseMs)));
    if (!senior) throw new ClusterTaskError('no-senior', name, null);
    return this.runOnNode(senior, name, payload, { timeoutMs: Math.max(1, timeoutMs - (performance.now() - started)) });
  }

  send(nodeId: string, topic: string, payload: string): void {
    this.channel.send(nodeId, topic, payload);
  }

  onMessage(topic: string, handler: MessageHandler): Disposable {
    return this.topics.add(topic, handler);
  }

  /**
   * Fault injection for tests: behaves as if the process were frozen (SIGSTOP) as far as Redis
   * can tell — no heartbeats, renewals or acquisitions go out — while local clocks keep running.
   * Returns the function that resumes.
   */
  freezeCoordinationForTest(): () => void {
    this.lease.suspended = true;
    this.membership.suspended = true;
    return () => {
      this.lease.suspended = false;
      this.membership.suspended = false;
      this.lease.poke();
      this.membership.refresh();
    };
  }

  private onControl(raw: string): void {
    const message = JSON.parse(raw) as ControlMessage;
    if (message.node === this.nodeId) return;
    if (message.type === 'released') this.lease.released(message.node);
    else this.membership.refresh();
  }

  private onJoined(): void {
    this.emit('joinedCluster');
    // After a lost link, the caches may have missed changes; the first join loads them in start().
    if (this.joinedBefore && this.state === 'running') void this.cacheBackend.resyncAll();
    this.joinedBefore = true;
  }

  /** The subscriber connection came back: changes may have been missed while it was down. */
  private onReconnected(): void {
    if (this.state !== 'running') return;
    this.logger.info('redis subscriber reconnected; reloading caches');
    void this.cacheBackend.resyncAll();
    this.membership.refresh();
    this.lease.poke();
  }

  private async quit(client: RedisClient): Promise<void> {
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  }
}
