import { NS } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import { BlocklistCache } from './blocklist-cache';
import { BlocklistPushes } from './blocklist-pushes';
import { blockingIqHandler } from './blocking-iq';
import { blockingInterceptor } from './blocking-interceptors';
import { BlockingPresence } from './blocking-presence';
import type { BlockingCheck } from '../../core/core-context';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0191: whether a user blocks a JID. */
    blocking: BlockingCheck;
  }
}

/**
 * XEP-0191 Blocking Command: the IQs, the pushes, presence to the contacts blocked and
 * unblocked, enforcement on stanzas of local sessions, and the `blocking` service for the IM
 * modules (cached for online users, from the database otherwise). Disabled, none of it runs:
 * the IQs answer service-unavailable, the feature leaves disco#info and nothing is blocked.
 */
export default defineCoreModule({
  name: 'blocking',
  description: 'XEP-0191 Blocking Command',
  provides: ['blocking'],
  start(ctx) {
    const { core } = ctx;
    const lists = new BlocklistCache(core);
    const pushes = new BlocklistPushes(core);
    ctx.onStop(() => pushes.dispose());
    ctx.provide('blocking', { isBlocked: (owner, other) => lists.isBlocked(owner, other) });

    ctx.events.on('sessionCreated', (session) => {
      lists.ensureLoaded(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not load the blocklist'));
    });
    ctx.events.on('sessionDestroyed', (session) => {
      lists.evictIfOffline(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not drop a cached blocklist'));
    });

    ctx.iq.register('account', NS.BLOCKING, blockingIqHandler(core, lists, pushes, new BlockingPresence(core)));
    ctx.onStop(core.interceptors.add(blockingInterceptor(core, lists)));
    ctx.disco.addFeature(NS.BLOCKING);
  },
});
