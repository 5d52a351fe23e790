/**
 * XEP-0115 Entity Capabilities as a server uses them: each available presence's `<c/>` is
 * resolved to the client's features (asking the client when the ver is new, verifying the
 * answer against the ver), remembered cluster-wide, and offered as `ctx.caps` (PEP filters its
 * notifications by `<node>+notify` with it).
 */
import type { Element } from 'ltx';
import type { ClientSession } from '../../session';
import type { CoreContext } from '../../core/core-context';
import { Scope } from '../../lifecycle/scope';
import { CapsQueries } from './caps-queries';
import { LocalEntityCaps } from './entity-caps';
import { KnownCaps } from './known-caps';

export type { EntityCaps, FeaturesKnownListener } from '../../core/caps-api';
export type { LocalEntityCaps } from './entity-caps';
export { capsHash, readDiscoInfo, verificationString, IllFormedAnswer } from './caps-verification';
export { MAX_KNOWN_CAPS } from './known-caps';

/** The replicated cache the IM module keeps every available resource's presence in (see PresenceCache). */
const PRESENCE_CACHE = 'xmpp-presence';

export function registerCaps(ctx: CoreContext): () => Promise<void> {
  const undo = new Scope('module caps', ctx.logger);
  const known = new KnownCaps(ctx.cluster);
  undo.own(() => known.dispose());
  const queries = new CapsQueries(ctx.domain, ctx.limits.capsQueryTimeoutMs);
  undo.own(() => queries.dispose());
  undo.own(ctx.interceptors.add(queries.interceptor()));
  const caps = new LocalEntityCaps(ctx, known, queries, ctx.cluster.createCache<string>(PRESENCE_CACHE));
  undo.own(() => caps.dispose());

  const previous = ctx.caps;
  ctx.caps = caps;
  undo.own(() => (ctx.caps = previous));

  const onPresence = (session: ClientSession, presence: Element) => caps.presenceChanged(session, presence);
  const onDestroyed = (session: ClientSession) => caps.sessionEnded(session);
  undo.own(ctx.events.on('presenceChanged', onPresence));
  undo.own(ctx.events.on('sessionDestroyed', onDestroyed));
  return () => undo.dispose();
}
