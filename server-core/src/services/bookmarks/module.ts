/**
 * XEP-0402 PEP Native Bookmarks, compatibility part (`urn:xmpp:bookmarks:1#compat`): the
 * bookmarks themselves are items of the `urn:xmpp:bookmarks:1` PEP node (max_items=max,
 * whitelist) that clients publish; this module makes XEP-0048 clients, which keep
 * `storage:bookmarks` in XEP-0049 private storage, read and write the same bookmarks. A legacy
 * get is built from the PEP items; a legacy set publishes what changed and retracts what went,
 * so XEP-0402 clients are notified as if another of their clients had edited them.
 */
import { defineCoreModule } from '../../plugins/core-module';
import type { PepNodeConfig } from '../../core/pep-api';
import { BOOKMARKS_NODE, LEGACY_BOOKMARKS, itemsToLegacy, legacyToItems } from './bookmarks-conversion';

export const BOOKMARKS_COMPAT = `${BOOKMARKS_NODE}#compat`;

/** XEP-0402 section 3: the publish-options a client sends with a bookmark. */
export const BOOKMARKS_NODE_CONFIG: Partial<PepNodeConfig> = { persistItems: true, maxItems: 'max', sendLastPublishedItem: 'never', accessModel: 'whitelist' };

export default defineCoreModule({
  name: 'bookmarks',
  description: 'XEP-0402 bookmarks for XEP-0048 clients (storage:bookmarks in private storage kept as PEP bookmarks)',
  depends: ['pep', 'privateStorage'],
  start(ctx) {
    const pep = ctx.use('pep');
    const privateStorage = ctx.use('privateStorage');
    ctx.onStop(
      privateStorage.override(LEGACY_BOOKMARKS, {
        async get(owner) {
          const items = await pep.items(owner, BOOKMARKS_NODE);
          const stored = await privateStorage.stored(owner, LEGACY_BOOKMARKS);
          // Before any XEP-0402 client wrote, the legacy copy is all there is.
          // Oldest first, as the bookmarks were added.
          return items ? itemsToLegacy([...items].reverse(), stored) : stored;
        },
        async set(owner, storage) {
          const current = new Map(((await pep.items(owner, BOOKMARKS_NODE)) ?? []).map((item) => [item.id, item.payload]));
          const wanted = legacyToItems(storage, current);
          // The legacy copy keeps what XEP-0402 has no place for (urls); conferences live in PEP.
          await privateStorage.store(owner, storage);
          for (const [jid, conference] of wanted) {
            if (current.get(jid)?.toString() !== conference.toString()) await pep.publish(owner, BOOKMARKS_NODE, conference, jid, BOOKMARKS_NODE_CONFIG);
          }
          for (const jid of current.keys()) if (!wanted.has(jid)) await pep.retract(owner, BOOKMARKS_NODE, jid, { notify: true });
          ctx.logger.debug({ owner, conferences: wanted.size }, 'legacy bookmarks stored as PEP bookmarks');
        },
      }),
    );
    ctx.core.disco.accountFeatures.add(BOOKMARKS_COMPAT);
    ctx.onStop(() => ctx.core.disco.accountFeatures.delete(BOOKMARKS_COMPAT));
  },
});
