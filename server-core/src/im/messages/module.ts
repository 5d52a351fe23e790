import { defineCoreModule } from '../../plugins/core-module';
import { createMessageDelivery } from '../message-module';
import type { MessageDelivery } from '../message-module';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** RFC 6121 message delivery to local users. */
    messages: MessageDelivery;
  }
}

/**
 * RFC 6121 8.5 message delivery to local users; blocked senders are refused (blocking),
 * copies go to carbons-enabled resources (carbons) and messages for absent users are stored
 * (offline), and messages are archived (mam), each while that module runs.
 */
export default defineCoreModule({
  name: 'messages',
  description: 'RFC 6121 message delivery',
  optional: ['blocking', 'carbons', 'offline', 'mam'],
  provides: ['messages'],
  start(ctx) {
    ctx.provide('messages', createMessageDelivery(ctx.core, { blocking: ctx.useOptional('blocking'), carbons: ctx.useOptional('carbons'), offline: ctx.useOptional('offline'), mam: ctx.useOptional('mam') }));
  },
});
