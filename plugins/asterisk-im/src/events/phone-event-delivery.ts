import { z } from 'zod';
import type { JsonValue } from '@asterisk-im/server-core/src/cluster/types';
import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { PhoneEvent } from '../calls';
import type { AsteriskImConfig } from '../config';
import { phoneEventMessage } from './phone-event-message';

const TASK = 'deliver-phone-event';

const phoneEventSchema = z.object({
  user: z.string().min(3).max(1023),
  device: z.string().min(1).max(256),
  callID: z.string().min(1).max(150),
  type: z.enum(['RING', 'DIALED', 'ON_PHONE', 'HANG_UP']),
  callerID: z.string().max(256).optional(),
  callerIDName: z.string().max(256).optional(),
});

/**
 * Phone events go from the senior to every node, and each node sends them to its own sessions
 * of the user: one message per session whatever the number of nodes.
 */
export class PhoneEventDelivery {
  constructor(
    private readonly ctx: PluginContext<AsteriskImConfig>,
    private readonly componentDomain: string,
  ) {}

  start(): void {
    this.ctx.cluster.registerTask(TASK, (payload) => {
      const event = phoneEventSchema.parse(payload) as PhoneEvent;
      return this.deliverLocally(event);
    });
  }

  /** Senior: hands the event to every node (this one included). */
  publish(event: PhoneEvent): void {
    const payload = JSON.parse(JSON.stringify(event)) as JsonValue;
    void this.ctx.cluster
      .runOnAll(TASK, payload)
      .then((results) => {
        for (const failed of results.filter((r) => !r.ok)) {
          this.ctx.logger.warn({ node: failed.nodeId, error: 'error' in failed ? failed.error : undefined, type: event.type }, 'a node could not deliver a phone event');
        }
      })
      .catch((err: unknown) => this.ctx.logger.warn({ err, type: event.type }, 'phone event not delivered'));
  }

  private deliverLocally(event: PhoneEvent): number {
    let sent = 0;
    for (const session of this.ctx.sessions.ofUser(event.user)) {
      if (session.isEnded) continue;
      session.deliver(phoneEventMessage(event, this.componentDomain, session.fullJid));
      sent += 1;
    }
    return sent;
  }
}
