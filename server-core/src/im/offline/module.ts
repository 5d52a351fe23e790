import { defineCoreModule } from '../../plugins/core-module';
import { OfflineMessages } from '../offline-messages';
import type { OfflineStore } from '../message-module';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0160 storage for absent users. */
    offline: OfflineStore;
  }
}

const OFFLINE_FEATURE = 'msgoffline';

/**
 * XEP-0160 offline messages: stores what the message module could not deliver, and hands it
 * to the user's first resource that becomes available with non-negative priority.
 */
export default defineCoreModule({
  name: 'offline',
  description: 'XEP-0160 offline message storage',
  provides: ['offline'],
  // XEP-0357: the push module, while it runs, hears of each stored message.
  optional: ['push'],
  start(ctx) {
    const push = ctx.useOptional('push');
    const offline = new OfflineMessages(ctx.core, (username, message) => push.current?.messageStored(username, message));
    ctx.provide('offline', offline);
    ctx.events.on('sessionAvailable', (session) => {
      offline.flushTo(session).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not deliver offline messages'));
    });
    ctx.disco.addFeature(OFFLINE_FEATURE);
  },
});
