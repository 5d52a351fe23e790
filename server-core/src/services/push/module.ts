/**
 * XEP-0357 Push Notifications: an account registers app servers (enable/disable), and each
 * message with a body that is stored for the account because none of its sessions is
 * available, or that reaches a session detached by XEP-0198 or inactive by XEP-0352 while none
 * is active, is announced to them with a urn:xmpp:push:summary notification. A message an
 * active session takes is never announced. Runs on whichever node stores the message, so it needs no
 * coordination in a cluster.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { defineCoreModule } from '../../plugins/core-module';
import { parseJid } from '../../xml';
import type { Element } from 'ltx';
import { IdleSessions } from './idle-sessions';
import { pushIqHandler } from './push-iq';
import { PUSH_MIGRATIONS } from './push-migrations';
import { PUSH_NS, notificationIq } from './push-notification';
import { PushStore } from './push-store';
import type { PushNotifier } from '../../core/push-api';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0357: told of messages stored for absent accounts. */
    push: PushNotifier;
  }
}

const configSchema = z
  .object({
    /** Send the message's sender (bare JID) in last-message-sender. */
    includeSender: z.boolean().default(true).describe('Send the sender (bare JID) to app servers'),
    /** Send the message's text in last-message-body: the app server and the phone vendor's push service then read it. */
    includeBody: z.boolean().default(false).describe('Send the message text to app servers (and the push services behind them)'),
    maxRegistrationsPerUser: z.number().int().min(1).max(100).default(10).describe('App server registrations per account'),
  })
  .strict();

export default defineCoreModule<z.infer<typeof configSchema>>({
  name: 'push',
  description: 'XEP-0357 Push Notifications',
  configSchema,
  migrations: PUSH_MIGRATIONS,
  // The offline module tells of each message it stores; inactive sessions (XEP-0352) are notified for while the csi module runs.
  provides: ['push'],
  optional: ['csi'],
  start(ctx) {
    const store = new PushStore(ctx.db);
    const sent = ctx.metrics.counter({ name: 'aim_push_notifications_total', help: 'XEP-0357 notifications sent to app servers' });
    ctx.iq.register('account', PUSH_NS, pushIqHandler(store, { maxRegistrationsPerUser: () => ctx.config.value.maxRegistrationsPerUser }));
    ctx.core.disco.accountFeatures.add(PUSH_NS);
    ctx.onStop(() => ctx.core.disco.accountFeatures.delete(PUSH_NS));
    // Also on the server's own disco#info, where some clients look for it.
    ctx.disco.addFeature(PUSH_NS);

    /** Tells every app server the account registered; `count` is what message-count says. */
    const notify = async (username: string, message: Element, count: () => Promise<number>) => {
      const registrations = await store.of(username);
      if (registrations.length === 0) return;
      const { includeSender, includeBody } = ctx.config.value;
      const owner = `${username}@${ctx.domain}`;
      const sender = message.attrs.from ? parseJid(String(message.attrs.from)).bare : undefined;
      const summary = {
        messageCount: await count(),
        ...(includeSender && sender ? { sender } : {}),
        ...(includeBody ? { body: message.getChildText('body') ?? '' } : {}),
      };
      for (const registration of registrations) {
        const iq = notificationIq(owner, registration, summary, `push-${crypto.randomBytes(6).toString('hex')}`);
        await ctx.core.router.route(iq, parseJid(owner));
        sent.inc();
        ctx.logger.debug({ user: owner, appServer: registration.jid }, 'push notification sent');
      }
    };
    const failed = (username: string) => (err: unknown) => ctx.logger.error({ err, user: username }, 'push notification failed');

    /** Messages announced as they reached an idle session: the same objects come back if that session ends unacknowledged. */
    const announced = new WeakSet<Element>();
    ctx.provide('push', {
      messageStored(username, message) {
        // Receipts, chat states and the like wake nobody: only messages with a body.
        if (message.getChildText('body') === null) return;
        notify(username, message, () => ctx.core.stores.offline.count(username)).catch(failed(username));
      },
      wasAnnounced: (message) => announced.has(message),
    });
    ctx.onStop(
      new IdleSessions(ctx.core, ctx.useOptional('csi'), (username, message, count) => {
        announced.add(message);
        notify(username, message, async () => count).catch(failed(username));
      }).install(),
    );
  },
});
