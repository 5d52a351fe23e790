import { NS } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import { RosterEditor } from '../roster-editor';
import { RosterIq } from '../roster-iq';
import { RosterPusher } from '../roster-push';
import type { SubscriptionHandler } from '../subscription-handler';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** RFC 6121 roster storage with pushes to interested resources on every node. */
    roster: RosterEditor;
    /** RFC 6121 subscription rules for a removed roster item (module `presence`). */
    subscriptions: Pick<SubscriptionHandler, 'removeItem'>;
  }
}

/**
 * RFC 6121 rosters: the roster IQ (get with versioning, set, remove), pushes to the resources
 * that asked for the roster, and the `roster` service the presence module edits rosters
 * through. Removing a contact also cancels the subscriptions while the presence module runs.
 */
export default defineCoreModule({
  name: 'roster',
  description: 'RFC 6121 rosters',
  optional: ['subscriptions'],
  provides: ['roster'],
  start(ctx) {
    const pusher = new RosterPusher(ctx.core);
    ctx.onStop(() => pusher.dispose());
    const roster = new RosterEditor(ctx.core, pusher);
    ctx.provide('roster', roster);
    const iq = new RosterIq(roster, ctx.useOptional('subscriptions'));
    ctx.iq.register('account', NS.ROSTER, (request) => iq.handle(request));
    ctx.disco.addFeature(NS.ROSTER_VER);
  },
});
