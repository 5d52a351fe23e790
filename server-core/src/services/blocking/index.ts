import { NS } from '../../xml';
import type { ClientSession } from '../../session';
import type { CoreContext } from '../../core/core-context';
import { UndoStack } from '../../core/undo-stack';
import { addDiscoFeatures } from '../../core/disco-features';
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
export function registerBlocking(ctx: CoreContext): () => void {
  const undo = new UndoStack();
  const lists = new BlocklistCache(ctx);
  const pushes = new BlocklistPushes(ctx);

  const previousCheck = ctx.blocking;
  ctx.blocking = { isBlocked: (owner, other) => lists.isBlocked(owner, other) };
  undo.add(() => (ctx.blocking = previousCheck));

  const onCreated = (session: ClientSession) => {
    lists.ensureLoaded(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not load the blocklist'));
  };
  const onDestroyed = (session: ClientSession) => {
    lists.evictIfOffline(session.bareJid).catch((err) => ctx.logger.error({ err, jid: session.fullJid }, 'could not drop a cached blocklist'));
  };
  ctx.events.on('sessionCreated', onCreated);
  ctx.events.on('sessionDestroyed', onDestroyed);
  undo.add(() => ctx.events.off('sessionCreated', onCreated));
  undo.add(() => ctx.events.off('sessionDestroyed', onDestroyed));

  undo.add(ctx.iqHandlers.register('account', NS.BLOCKING, blockingIqHandler(ctx, lists, pushes, new BlockingPresence(ctx))));
  undo.add(ctx.interceptors.add(blockingInterceptor(ctx, lists)));
  undo.add(addDiscoFeatures(ctx, [NS.BLOCKING]));
  undo.add(() => pushes.dispose());
  return () => undo.run();
}
