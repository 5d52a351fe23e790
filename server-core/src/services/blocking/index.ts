import { NS } from '../../xml';
import type { ClientSession } from '../../routing';
import type { CoreContext } from '../../server/core-context';
import { Scope } from '../../lifecycle/scope';
import { addDiscoFeatures } from '../disco-features';
import { BlocklistCache } from './blocklist-cache';
import { BlocklistPushes } from './blocklist-pushes';
import { blockingIqHandler } from './blocking-iq';
import { blockingInterceptor } from './blocking-interceptors';
import { BlockingPresence } from './blocking-presence';

/**
 * XEP-0191 Blocking Command: the IQs, the pushes, presence to the contacts blocked and
 * unblocked, enforcement on stanzas of local sessions,
 * and `ctx.blocking` for the IM modules (cached for online users, from the database otherwise).
 */
export function registerBlocking(ctx: CoreContext): () => Promise<void> {
  const undo = new Scope('module blocking', ctx.logger);
  const lists = new BlocklistCache(ctx);
  const pushes = new BlocklistPushes(ctx);

  const previousCheck = ctx.blocking;
  ctx.blocking = { isBlocked: (owner, other) => lists.isBlocked(owner, other) };
  undo.own(() => (ctx.blocking = previousCheck));

  const onCreated = (session: ClientSession) => {
    lists.ensureLoaded(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not load the blocklist'));
  };
  const onDestroyed = (session: ClientSession) => {
    lists.evictIfOffline(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not drop a cached blocklist'));
  };
  undo.own(ctx.events.on('sessionCreated', onCreated));
  undo.own(ctx.events.on('sessionDestroyed', onDestroyed));

  undo.own(ctx.iqHandlers.register('account', NS.BLOCKING, blockingIqHandler(ctx, lists, pushes, new BlockingPresence(ctx))));
  undo.own(ctx.interceptors.add(blockingInterceptor(ctx, lists)));
  undo.own(addDiscoFeatures(ctx, [NS.BLOCKING]));
  undo.own(() => pushes.dispose());
  return () => undo.dispose();
}
