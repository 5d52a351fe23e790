/**
 * Personal Eventing via Pubsub (XEP-0163) on every account's bare JID, with the XEP-0060
 * subset clients use: nodes created by publish or on request, their configuration (access
 * model open, presence, roster or whitelist; how many items they keep), publish-options as
 * preconditions, items kept in SQL, retrieval, retract, purge, delete, subscriptions,
 * notifications to the resources that advertise `<node>+notify` in their entity capabilities,
 * and the last items when such a resource becomes available. Provides the `pep` service for
 * the server's modules and plugins.
 */
import { z } from 'zod';
import { defineCoreModule } from '../../plugins/core-module';
import { PepAudience } from './pep-audience';
import { pepIqHandler } from './pep-iq';
import { PepLastItems } from './pep-last-items';
import { PEP_MIGRATIONS } from './pep-migrations';
import { PUBSUB, PUBSUB_OWNER } from './pep-namespaces';
import { pepOwnerIqHandler } from './pep-owner-iq';
import { logIgnoredFields, logRefusals } from './pep-refusals';
import { LocalPepService } from './pep-service';
import { PepStore } from './pep-store';
import type { PepService } from '../../core/pep-api';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0163: personal eventing on users' behalf. */
    pep: PepService;
  }
}

const itemCount = z.number({ invalid_type_error: 'must be a number of items' }).int('must be a whole number').min(1, 'must be at least 1').max(100000, 'must be at most 100000');

const configSchema = z
  .object({
    /** What pubsub#max_items = max means (XEP-0402 bookmarks ask for it), and the most any node keeps. */
    maxItemsPerNode: itemCount.default(1000),
    /** The most items one account keeps over all its nodes (with limits.maxPepItemBytes, what an account may store). */
    maxItemsPerUser: itemCount.default(2000),
  })
  .strict();

export default defineCoreModule<z.infer<typeof configSchema>>({
  name: 'pep',
  description: 'XEP-0163 Personal Eventing Protocol (with the XEP-0060 subset clients use)',
  configSchema,
  migrations: PEP_MIGRATIONS,
  // Notifications are filtered by entity capabilities; blocked contacts get none.
  depends: ['caps'],
  optional: ['blocking'],
  provides: ['pep'],
  start(ctx) {
    const { core } = ctx;
    const caps = ctx.use('caps');
    const store = new PepStore(ctx.db);
    const audience = new PepAudience(core, caps, ctx.useOptional('blocking'));
    // Read once per start: a new maximum applies by restarting the module (no reconfigure hook).
    const { maxItemsPerNode, maxItemsPerUser } = ctx.config.value;
    const service = new LocalPepService(core, store, audience, { maxItemsPerNode, maxItemsPerUser });
    ctx.provide('pep', service);
    const ignored = logIgnoredFields(ctx.logger);
    ctx.iq.register('account', PUBSUB, logRefusals(ctx.logger, pepIqHandler(service, maxItemsPerNode, ignored)));
    ctx.iq.register('account', PUBSUB_OWNER, logRefusals(ctx.logger, pepOwnerIqHandler(service, maxItemsPerNode, ignored)));
    ctx.onStop(new PepLastItems(core, store, audience, caps).install());
  },
});
