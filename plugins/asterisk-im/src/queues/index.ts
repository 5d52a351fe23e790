/**
 * Queue presence: with the `queuePresence` setting on, a user's devices are
 * paused in every Asterisk queue while the user is not available in chat.
 */
import type { AsteriskImRuntime } from '../runtime';
import { QueuePresence } from './queue-presence';

/** How often the senior looks for links that (re)connected and need every pause state again. */
const LINK_CHECK_INTERVAL_MS = 1_000;

export function registerQueuePresence(runtime: AsteriskImRuntime): void {
  const queues = new QueuePresence(runtime);
  const { ctx } = runtime;
  ctx.onStop(runtime.onUserPresence((change) => queues.onUserPresence(change)));
  ctx.onStop(runtime.store.onChange(() => queues.onSettingsChange()));
  ctx.config.on('change', () => queues.onSettingsChange());
  ctx.cluster.on('markedSenior', () => queues.onSeniorityChange());
  ctx.cluster.on('lostSeniority', () => queues.onSeniorityChange());
  ctx.timers.setInterval(() => queues.checkLinks(), LINK_CHECK_INTERVAL_MS);
}
