import type { Disposable, MessageHandler } from '../types';
import type { Logger } from '../../log';

/** Handlers for fire-and-forget messages, by topic. A throwing handler is logged, never propagated. */
export class TopicHandlers {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(private readonly logger: Logger) {}

  add(topic: string, handler: MessageHandler): Disposable {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return {
      dispose: () => {
        set.delete(handler);
        if (set.size === 0 && this.handlers.get(topic) === set) this.handlers.delete(topic);
      },
    };
  }

  deliver(topic: string, payload: string, fromNode: string): void {
    const set = this.handlers.get(topic);
    if (!set) {
      this.logger.debug({ topic, fromNode }, 'cluster message without handler dropped');
      return;
    }
    for (const handler of [...set]) {
      try {
        handler(payload, fromNode);
      } catch (err) {
        this.logger.error({ err, topic, fromNode }, 'cluster message handler threw');
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
