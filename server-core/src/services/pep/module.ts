/**
 * Personal Eventing via Pubsub (XEP-0163) on every account's bare JID: publish, retract and
 * items retrieval, notifications to the owner's and its subscribed contacts' available
 * resources that advertise `<node>+notify` in their entity capabilities, the last items when
 * such a resource becomes available, and the `pep` service for the server's modules and
 * plugins. Each node keeps one item; items live in a replicated cache (see PepItemCache).
 */
import { defineCoreModule } from '../../plugins/core-module';
import { PepAudience } from './pep-audience';
import { pepIqHandler } from './pep-iq';
import { PepItemCache } from './pep-item-cache';
import { PepLastItems } from './pep-last-items';
import { PUBSUB } from './pep-namespaces';
import { LocalPepService } from './pep-service';
import type { PepService } from '../../core/pep-api';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0163: personal eventing on users' behalf. */
    pep: PepService;
  }
}

export default defineCoreModule({
  name: 'pep',
  description: 'XEP-0163 Personal Eventing Protocol',
  // Notifications are filtered by entity capabilities; blocked contacts get none.
  depends: ['caps'],
  optional: ['blocking'],
  provides: ['pep'],
  start(ctx) {
    const { core } = ctx;
    const caps = ctx.use('caps');
    const items = new PepItemCache(core.cluster, core.logger);
    ctx.onStop(() => items.dispose());
    const audience = new PepAudience(core, caps, ctx.useOptional('blocking'));
    const service = new LocalPepService(core, items, audience);
    ctx.provide('pep', service);
    ctx.iq.register('account', PUBSUB, pepIqHandler(service, audience));
    ctx.onStop(new PepLastItems(core, items, audience, caps).install());
  },
});
