/**
 * XEP-0115 Entity Capabilities as a server uses them: each available presence's `<c/>` is
 * resolved to the client's features (asking the client when the ver is new, verifying the
 * answer against the ver), remembered cluster-wide, and provided as the `caps` service (PEP
 * filters its notifications by `<node>+notify` with it).
 */
import { defineCoreModule } from '../../plugins/core-module';
import { CapsQueries } from './caps-queries';
import { LocalEntityCaps } from './entity-caps';
import { KnownCaps } from './known-caps';
import type { EntityCaps } from '../../core/caps-api';
import { PRESENCE_CACHE } from '../../im/presence-cache';
import { serverCapsElement } from './server-caps';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0115: what each available resource advertised. */
    caps: EntityCaps;
  }
}


export default defineCoreModule({
  name: 'caps',
  description: 'XEP-0115 Entity Capabilities',
  provides: ['caps'],
  start(ctx) {
    const { core } = ctx;
    const known = new KnownCaps(core.cluster);
    ctx.onStop(() => known.dispose());
    const queries = new CapsQueries(core.domain, core.limits.capsQueryTimeoutMs);
    ctx.onStop(() => queries.dispose());
    ctx.onStop(core.interceptors.add(queries.interceptor()));
    const caps = new LocalEntityCaps(core, known, queries, core.cluster.createCache<string>(PRESENCE_CACHE));
    ctx.onStop(() => caps.dispose());
    ctx.provide('caps', caps);
    ctx.events.on('presenceChanged', (session, presence) => caps.presenceChanged(session, presence));
    ctx.events.on('sessionDestroyed', (session) => caps.sessionEnded(session));
    // The server's own capabilities, before and after login, so a client knows them without asking.
    for (const offeredIn of ['pre-auth', 'post-auth'] as const) {
      ctx.streamFeatures.add({ name: `server-caps-${offeredIn}`, offeredIn, advertise: () => serverCapsElement(core.disco) });
    }
  },
});
