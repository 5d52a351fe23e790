import type { Logger } from '../../log';
import type { RedisClient } from './connection';

type ChannelHandler = (message: string) => void;

/**
 * The one subscriber connection of a node. Messages of every channel arrive through it in
 * publish order. After a reconnect it re-subscribes (awaited) and then tells its owner, so the
 * owner can reload state knowing no later change will be missed.
 */
export class ChannelSubscriber {
  private readonly handlers = new Map<string, ChannelHandler>();
  private connectionLost = false;

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    private readonly onResubscribed: () => void,
  ) {
    client.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    client.on('close', () => {
      this.connectionLost = true;
    });
    client.on('ready', () => void this.resubscribe());
  }

  async subscribe(channel: string, handler: ChannelHandler): Promise<void> {
    this.handlers.set(channel, handler);
    await this.client.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.handlers.delete(channel);
    await this.client.unsubscribe(channel);
  }

  private dispatch(channel: string, message: string): void {
    const handler = this.handlers.get(channel);
    if (!handler) return;
    try {
      handler(message);
    } catch (err) {
      this.logger.error({ err, channel }, 'cluster channel handler threw');
    }
  }

  private async resubscribe(): Promise<void> {
    if (!this.connectionLost) return;
    this.connectionLost = false;
    try {
      if (this.handlers.size) await this.client.subscribe(...this.handlers.keys());
      this.onResubscribed();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'cluster resubscribe failed; waiting for the next reconnect');
      this.connectionLost = true;
    }
  }
}
