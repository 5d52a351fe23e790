/**
 * User activity (XEP-0108) from the phone: users on a call publish `talking/on_the_phone`
 * over PEP, and an empty activity when the call ends. Needs the server's PEP (`ctx.pep`).
 */
import { busyStateOf, phoneDisplay, PhoneStateCache } from '../presence';
import type { AsteriskImRuntime } from '../runtime';
import { PhoneActivity } from './phone-activity';

export function registerActivity(runtime: AsteriskImRuntime): void {
  const { ctx, phoneState, settings, store } = runtime;
  // Changes per user come from the replicated phone-state cache the runtime builds.
  if (!ctx.pep || !(phoneState instanceof PhoneStateCache)) return;
  const activity = new PhoneActivity(ctx, ctx.pep, phoneState, (entry) => (store.privacy.of(entry.user) === 'nobody' ? null : phoneDisplay(settings(), busyStateOf(entry)).status));
  // A user who changed who sees their phone state: the activity follows.
  ctx.onStop(store.onChange(() => activity.onMarkedSenior(phoneState.usersKnown())));
  // Registered first so it runs last at stop, once no change can arrive any more.
  ctx.onStop(() => activity.clearAll(phoneState.usersKnown()));
  ctx.onStop(phoneState.onUserChange((user) => activity.onUserChange(user)));
  ctx.cluster.on('markedSenior', () => activity.onMarkedSenior(phoneState.usersKnown()));
}
