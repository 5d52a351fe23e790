/**
 * XEP-0357 Push Notifications: an account registers app servers (enable/disable), and each
 * message with a body that is stored for the account because none of its sessions is
 * available is announced to them with a urn:xmpp:push:summary notification. A message a
 * session takes is never announced. Runs on whichever node stores the message, so it needs no
 * coordination in a cluster.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { defineCoreModule } from '../../plugins/core-module';
import { parseJid } from '../../xml';
import { pushIqHandler } from './push-iq';
import { PUSH_MIGRATIONS } from './push-migrations';
import { PUSH_NS, notificationIq } from './push-notification';
import { PushStore } from './push-store';

const configSchema = z
  .object({
    /** Send the message's sender (bare JID) in last-message-sender. */
    includeSender: z.boolean().default(true),
    /** Send the message's text in last-message-body: the app server and the phone vendor's push service then read it. */
    includeBody: z.boolean().default(false),
    maxRegistrationsPerUser: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export default defineCoreModule<z.infer<typeof configSchema>>({
  name: 'push',
  description: 'XEP-0357 Push Notifications',
  configSchema,
  migrations: PUSH_MIGRATIONS,
  // Notifications follow offline storage: the offline module cannot stop under this one.
  depends: ['offline'],
  start(ctx) {
    const store = new PushStore(ctx.db);
    const offline = ctx.use('offline');
    const sent = ctx.metrics.counter({ name: 'aim_push_notifications_total', help: 'XEP-0357 notifications sent to app servers' });
    ctx.iq.register('account', PUSH_NS, pushIqHandler(store, { maxRegistrationsPerUser: () => ctx.config.value.maxRegistrationsPerUser }));
    ctx.core.disco.accountFeatures.add(PUSH_NS);
    ctx.onStop(() => ctx.core.disco.accountFeatures.delete(PUSH_NS));
    // Also on the server's own disco#info, where some clients look for it.
    ctx.disco.addFeature(PUSH_NS);

    ctx.onStop(
      offline.onStored(async (username, message) => {
        const body = message.getChildText('body');
        if (body === null) return; // receipts, chat states and the like wake nobody
        const registrations = await store.of(username);
        if (registrations.length === 0) return;
        const { includeSender, includeBody } = ctx.config.value;
        const owner = `${username}@${ctx.domain}`;
        const sender = message.attrs.from ? parseJid(String(message.attrs.from)).bare : undefined;
        const summary = {
          messageCount: await ctx.core.stores.offline.count(username),
          ...(includeSender && sender ? { sender } : {}),
          ...(includeBody ? { body } : {}),
        };
        for (const registration of registrations) {
          const iq = notificationIq(owner, registration, summary, `push-${crypto.randomBytes(6).toString('hex')}`);
          await ctx.core.router.route(iq, parseJid(owner));
          sent.inc();
          ctx.logger.debug({ user: owner, appServer: registration.jid }, 'push notification sent');
        }
      }),
    );
  },
});
