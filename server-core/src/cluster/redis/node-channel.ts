import type { Logger } from '../../log';
import type { TopicHandlers } from '../messages';
import { withTaskTimeout, type TaskOutcome, type TaskRegistry } from '../tasks';
import type { JsonValue } from '../types';
import type { ChannelSubscriber } from './channel-subscriber';
import type { RedisClient } from './connection';
import type { ClusterKeys } from './keys';
import { runScript } from './scripts';

type Envelope =
  | { kind: 'task'; id: number; task: string; payload: JsonValue; from: string }
  | { kind: 'reply'; id: number; outcome: TaskOutcome; from: string }
  | { kind: 'message'; topic: string; payload: string; from: string };

/**
 * Everything addressed to one node travels on that node's channel: task requests, task replies
 * and routed messages. All are published from one connection, so they arrive in send order.
 * Calls to this node itself skip Redis but stay asynchronous.
 */
export class NodeChannel {
  private nextId = 1;
  private readonly waiting = new Map<number, (outcome: TaskOutcome) => void>();
  private readonly queued = new Set<NodeJS.Immediate>();

  constructor(
    private readonly nodeId: string,
    private readonly client: RedisClient,
    private readonly keys: ClusterKeys,
    private readonly tasks: TaskRegistry,
    private readonly topics: TopicHandlers,
    private readonly logger: Logger,
  ) {}

  async listen(subscriber: ChannelSubscriber): Promise<void> {
    await subscriber.subscribe(this.keys.nodeChannel(this.nodeId), (raw) => this.receive(raw));
  }

  call(nodeId: string, task: string, payload: JsonValue, timeoutMs: number): Promise<TaskOutcome> {
    if (nodeId === this.nodeId) {
      return withTaskTimeout(this.later().then(() => this.tasks.run(task, payload, this.nodeId)), timeoutMs);
    }
    const id = this.nextId++;
    const answer = new Promise<TaskOutcome>((resolve) => this.waiting.set(id, resolve));
    this.publish(nodeId, { kind: 'task', id, task, payload, from: this.nodeId });
    return withTaskTimeout(answer, timeoutMs).finally(() => this.waiting.delete(id));
  }

  send(nodeId: string, topic: string, payload: string): void {
    if (nodeId !== this.nodeId) return this.publish(nodeId, { kind: 'message', topic, payload, from: this.nodeId });
    const immediate = setImmediate(() => {
      this.queued.delete(immediate);
      this.topics.deliver(topic, payload, this.nodeId);
    });
    this.queued.add(immediate);
  }

  close(): void {
    for (const immediate of this.queued) clearImmediate(immediate);
    this.queued.clear();
    for (const resolve of this.waiting.values()) resolve({ ok: false, kind: 'failed', error: 'cluster stopped' });
    this.waiting.clear();
  }

  private receive(raw: string): void {
    const envelope = JSON.parse(raw) as Envelope;
    switch (envelope.kind) {
      case 'message':
        this.topics.deliver(envelope.topic, envelope.payload, envelope.from);
        return;
      case 'reply':
        this.waiting.get(envelope.id)?.(envelope.outcome);
        return;
      case 'task':
        void this.tasks.run(envelope.task, envelope.payload, envelope.from).then((outcome) => {
          this.publish(envelope.from, { kind: 'reply', id: envelope.id, outcome, from: this.nodeId });
        });
        return;
    }
  }

  private publish(nodeId: string, envelope: Envelope): void {
    // Through a script on the namespace's slot, so messages of one sender stay in order on Redis Cluster.
    runScript(this.client, 'aimPublish', [this.keys.nodeChannel(nodeId)], [JSON.stringify(envelope)]).catch((err: Error) => {
      this.logger.warn({ to: nodeId, kind: envelope.kind, err: err.message }, 'cluster publish failed');
    });
  }

  private later(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}
