import { z } from 'zod';
import { NS } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import type { MessageArchive } from '../message-module';
import { ArchiveIds } from './archive-id';
import { ArchiveStore, MAM_MIGRATIONS } from './archive-store';
import { ArchivePrefs } from './archive-prefs';
import { MessageArchiver } from './message-archiver';
import { archiveIqHandler } from './archive-iq';

/** What the mam module offers: archiving in the message path. */
export type ArchiveService = MessageArchive;

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0313 archiving of messages to and from local users. */
    mam: ArchiveService;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Messages one DELETE of the retention clean-up removes at most. */
const CLEANUP_BATCH = 5000;

const configSchema = z
  .object({
    defaultPolicy: z
      .enum(['always', 'never', 'roster'], { message: "must be 'always', 'never' or 'roster'" })
      .default('always')
      .describe('What users who set no preferences archive: always, never, or only messages with roster contacts'),
    retentionDays: z.number().int('must be whole days').min(0, 'must be 0 (keep forever) or more').default(365).describe('Days archived messages are kept; 0 keeps them forever'),
    defaultPageSize: z.number().int().min(1).max(1000).default(50).describe('Messages per page when a query does not say'),
    maxPageSize: z.number().int().min(1).max(1000).default(100).describe('The most messages one page holds'),
    cleanupIntervalSeconds: z.number().int().min(1).default(3600).describe('How often the senior node removes messages past the retention period'),
  })
  .strict()
  .refine((c) => c.defaultPageSize <= c.maxPageSize, { message: 'defaultPageSize must not exceed maxPageSize', path: ['defaultPageSize'] });

export type MamConfig = z.infer<typeof configSchema>;

/**
 * XEP-0313 Message Archive Management for user accounts (urn:xmpp:mam:2 and #extended): the
 * message module archives each chat or normal message with a body once, in the recipient's
 * archive and in a local sender's, and delivers it with a XEP-0359 `<stanza-id/>`. Users query
 * their archive and set what is kept; the senior node removes what is past the retention period.
 */
export default defineCoreModule<MamConfig>({
  name: 'mam',
  description: 'XEP-0313 Message Archive Management',
  configSchema,
  migrations: MAM_MIGRATIONS,
  provides: ['mam'],
  start(ctx) {
    const store = new ArchiveStore(ctx.db);
    const prefs = new ArchivePrefs(store, () => ctx.config.value.defaultPolicy);
    const archived = ctx.metrics.counter({ name: 'aim_mam_archived_copies_total', help: 'Message copies written to archives (one per archive a message goes into)' });
    const failures = ctx.metrics.counter({ name: 'aim_mam_archive_failures_total', help: 'Messages delivered without archiving because the database write failed' });
    const removed = ctx.metrics.counter({ name: 'aim_mam_expired_total', help: 'Archived messages removed past the retention period' });
    const archiver = new MessageArchiver({
      domain: ctx.domain,
      store,
      prefs,
      ids: new ArchiveIds(),
      inRoster: async (owner, contact) => (await ctx.core.stores.rosters.getItem(owner, contact)) !== undefined,
      logger: ctx.logger,
      onArchived: (copies) => archived.inc(copies),
      onFailure: () => failures.inc(),
    });

    ctx.cluster.registerTask('prefs-changed', (payload) => {
      prefs.forget(typeof payload === 'string' ? payload : undefined);
    });
    ctx.iq.register(
      'account',
      NS.MAM,
      archiveIqHandler({
        store,
        prefs,
        limits: () => ctx.config.value,
        prefsChanged: async (owner) => {
          const results = await ctx.cluster.runOnAll('prefs-changed', owner);
          for (const failed of results.filter((r) => !r.ok)) ctx.logger.warn({ node: failed.nodeId }, 'mam: a node did not confirm new archiving preferences; it reads them again within its cache');
        },
        deliverToResource: (fullJid, stanza) => ctx.router.deliverToResource(fullJid, stanza),
      }),
    );

    const cleanup = async (): Promise<void> => {
      const { retentionDays } = ctx.config.value;
      // One node deletes for the cluster; every node would run the same DELETE otherwise.
      if (retentionDays === 0 || !ctx.cluster.isSenior()) return;
      const cutoff = Date.now() - retentionDays * DAY_MS;
      let count = 0;
      for (;;) {
        const batch = await store.deleteOlderThan(cutoff, CLEANUP_BATCH);
        count += batch;
        removed.inc(batch);
        // Seniority can move while a long clean-up runs: the new senior goes on from there.
        if (batch < CLEANUP_BATCH || !ctx.cluster.isSenior()) break;
      }
      if (count > 0) ctx.logger.info({ removed: count, retentionDays }, 'mam: removed archived messages past the retention period');
    };
    ctx.timers.setTimeout(cleanup, 0);
    ctx.timers.setInterval(cleanup, ctx.config.value.cleanupIntervalSeconds * 1000);

    // What a user's disco#info lists while the archive runs.
    for (const feature of [NS.MAM, NS.MAM_EXTENDED, NS.STANZA_ID]) {
      ctx.core.disco.accountFeatures.add(feature);
      ctx.onStop(() => ctx.core.disco.accountFeatures.delete(feature));
    }
    ctx.provide('mam', { record: (message, to, from) => archiver.record(message, to, from) });
  },
});
