import { defineCoreModule } from '../../plugins/core-module';
import { createPresenceModule, type PresenceService } from '../presence-module';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** RFC 6121 presence of local sessions and to local users. */
    presence: PresenceService;
  }
}

/**
 * RFC 6121 subscriptions and presence: what local sessions send, what arrives for local users,
 * and the unavailable presence of sessions that end or vanish with their node. Contacts a
 * user blocks get none of it while the blocking module runs.
 */
export default defineCoreModule({
  name: 'presence',
  description: 'RFC 6121 subscriptions and presence',
  depends: ['roster'],
  optional: ['blocking'],
  provides: ['presence', 'subscriptions'],
  start(ctx) {
    const presence = createPresenceModule(ctx.core, ctx.use('roster'), ctx.useOptional('blocking'));
    ctx.provide('presence', presence.service);
    ctx.provide('subscriptions', presence.subscriptions);
    ctx.onStop(ctx.core.nodeLost.add('presence', (lost) => presence.nodeLost(lost)));
  },
});
