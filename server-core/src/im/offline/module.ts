import { defineCoreModule } from '../../plugins/core-module';
import { OfflineMessages } from '../offline-messages';
import type { OfflineStore } from '../message-module';
import type { ClientSession } from '../../session';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0160 storage for absent users. */
    offline: OfflineStore;
  }
}

const OFFLINE_FEATURE = 'msgoffline';
/** Tells every node that a user's store has a new message (the payload is the username). */
const STORED_TOPIC = 'stored';
/** Longer than any username the account store accepts: a payload past it is not ours. */
const MAX_USERNAME_LENGTH = 1024;

/**
 * XEP-0160 offline messages: stores what the message module could not deliver, and hands it
 * to the user's first resource that becomes available with non-negative priority, or that
 * became available while the message was being stored.
 */
export default defineCoreModule({
  name: 'offline',
  description: 'XEP-0160 offline message storage',
  provides: ['offline'],
  // XEP-0357: the push module, while it runs, hears of each stored message.
  optional: ['push'],
  start(ctx) {
    const push = ctx.useOptional('push');
    const flush = (session: ClientSession): void => {
      offline.flushTo(session).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not deliver offline messages'));
    };
    /** This node's first resource of the user that takes offline messages, if any, gets them now. */
    const flushLocal = (username: string): void => {
      const session = ctx.core.sessions.ofUser(`${username}@${ctx.core.domain}`).find((s) => s.available && s.priority >= 0 && !s.isEnded);
      if (session) flush(session);
    };
    const offline = new OfflineMessages(ctx.core, (username, message, { announced }) => {
      if (!announced) push.current?.messageStored(username, message);
      // A resource that became available, on any node, while the message was being stored may
      // have read the store before it landed: without this the message would wait for the next login.
      flushLocal(username);
      for (const node of ctx.cluster.members()) if (node !== ctx.cluster.nodeId) ctx.cluster.send(node, STORED_TOPIC, username);
    });
    ctx.provide('offline', offline);
    ctx.cluster.onMessage(STORED_TOPIC, (username) => {
      if (username.length > 0 && username.length <= MAX_USERNAME_LENGTH) flushLocal(username);
    });
    ctx.events.on('sessionAvailable', flush);
    ctx.disco.addFeature(OFFLINE_FEATURE);
  },
});
