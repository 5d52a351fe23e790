import type { PluginContext } from '@asterisk-im/server-core/src/plugins';
import type { PhoneEvent } from '../calls';
import type { AsteriskImConfig } from '../config';
import { phoneEventMessage } from './phone-event-message';

/**
 * Phone events go from the senior straight to each session of the user, wherever it is bound:
 * one message per session, and no work for nodes where the user has none.
 */
export class PhoneEventDelivery {
  constructor(
    private readonly ctx: PluginContext<AsteriskImConfig>,
    private readonly componentDomain: string,
  ) {}

  /** Senior: sends the event to every resource of the user; returns how many were sent. */
  publish(event: PhoneEvent): number {
    let sent = 0;
    for (const fullJid of this.ctx.router.resourcesOf(event.user)) {
      if (this.ctx.router.deliverToResource(fullJid, phoneEventMessage(event, this.componentDomain, fullJid))) sent += 1;
    }
    return sent;
  }
}
