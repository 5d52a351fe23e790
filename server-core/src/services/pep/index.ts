/**
 * Personal Eventing via Pubsub (XEP-0163) on every account's bare JID: publish, retract and
 * items retrieval, notifications to the owner's and its subscribed contacts' available
 * resources that advertise `<node>+notify` in their entity capabilities, the last items when
 * such a resource becomes available, and `ctx.pep` for the server's modules and plugins. Each
 * node keeps one item; items live in a replicated cache (see PepItemCache).
 */
import type { CoreContext } from '../../core/core-context';
import { Scope } from '../../lifecycle/scope';
import { PepAudience } from './pep-audience';
import { pepIqHandler } from './pep-iq';
import { PepItemCache } from './pep-item-cache';
import { PepLastItems } from './pep-last-items';
import { PUBSUB } from './pep-namespaces';
import { LocalPepService } from './pep-service';

export type { PepItem, PepService } from '../../core/pep-api';
export { PEP_FEATURES, PEP_IDENTITY } from './pep-namespaces';

export function registerPep(ctx: CoreContext): () => Promise<void> {
  const caps = ctx.caps;
  if (!caps) throw new Error('PEP filters its notifications by entity capabilities: register them first');
  const undo = new Scope('module pep', ctx.logger);
  const items = new PepItemCache(ctx.cluster, ctx.logger);
  undo.own(() => items.dispose());
  const audience = new PepAudience(ctx, caps);
  const service = new LocalPepService(ctx, items, audience);

  const previous = ctx.pep;
  ctx.pep = service;
  undo.own(() => (ctx.pep = previous));
  undo.own(ctx.iqHandlers.register('account', PUBSUB, pepIqHandler(service, audience)));
  undo.own(new PepLastItems(ctx, items, audience, caps).install());
  return () => undo.dispose();
}
