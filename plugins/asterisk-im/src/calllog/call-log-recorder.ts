import type { EndedCall } from '../calls';
import { KeyedRetry } from '../retry';
import type { AsteriskImRuntime } from '../runtime';
import { isMissed } from './call-log-store';

/** How often the senior deletes calls past the retention. */
export const PRUNE_INTERVAL_MS = 60 * 60_000;
/** A write the database refused (PostgreSQL restarting, a failover) is tried again this often. */
const WRITE_RETRY_MS = 1000;
/** Calls waiting for a retry, at most; beyond that the oldest is given up (and logged). */
const MAX_UNWRITTEN = 10_000;
const DAY_MS = 86_400_000;

/**
 * On the senior: every call that ends on a monitored phone becomes one row of the call log, and
 * calls older than the retention are deleted (at every seniority, then hourly, and when the
 * retention setting changes). A missed call
 * while the user had no session anywhere is marked for a notice at the next login when
 * `missedCallMessages` is on.
 */
export function startCallLogRecorder(runtime: AsteriskImRuntime): void {
  const { ctx, links, callLog, metrics } = runtime;
  const record = async (call: EndedCall): Promise<void> => {
    const missed = isMissed(call);
    const notice = missed && runtime.settings().missedCallMessages && ctx.router.resourcesOf(call.user).length === 0;
    const written = await callLog.record(call, notice);
    if (written) metrics.callLogRows.labels(missed ? 'missed' : call.answeredAt === undefined ? 'unanswered' : 'answered').inc();
    if (written && notice) ctx.logger.info({ callID: call.callID, user: call.user }, 'missed call kept for a notice at the next login');
    else ctx.logger.debug({ callID: call.callID, user: call.user, written }, 'call logged');
  };
  // Keyed by Uniqueid: a call is tried until it is written, or until this node is no longer the senior.
  const unwritten = new Map<string, EndedCall>();
  const attempt = (call: EndedCall, first: boolean): void => {
    if (!ctx.cluster.isSenior()) return void unwritten.delete(call.callID);
    record(call).then(
      () => unwritten.delete(call.callID),
      (err: unknown) => {
        // One warning per call, not one per retry.
        if (first) ctx.logger.warn({ err, callID: call.callID, user: call.user }, 'could not write a call to the call log; retrying');
        unwritten.set(call.callID, call);
        if (unwritten.size > MAX_UNWRITTEN) {
          const [oldest] = unwritten.keys();
          unwritten.delete(oldest!);
          ctx.logger.error({ callID: oldest }, 'call log write given up: too many calls wait for the database');
        }
        retry.failed(call.callID);
      },
    );
  };
  const retry = new KeyedRetry(ctx.timers, WRITE_RETRY_MS, (callID) => {
    const call = unwritten.get(callID);
    if (call) attempt(call, false);
  });
  ctx.onStop(
    links.onCallEnded((call) => {
      if (ctx.cluster.isSenior()) attempt(call, true);
    }),
  );

  const prune = (): void => {
    if (!ctx.cluster.isSenior()) return;
    const days = runtime.settings().callLogRetentionDays;
    callLog
      .prune(Date.now() - days * DAY_MS)
      .then((removed) => {
        if (removed > 0) ctx.logger.info({ removed, days }, 'call log pruned');
      })
      .catch((err: unknown) => ctx.logger.warn({ err }, 'could not prune the call log'));
  };
  ctx.cluster.on('markedSenior', prune);
  ctx.timers.setInterval(prune, PRUNE_INTERVAL_MS);
  // A shorter retention applies when it is saved, not an hour later.
  let retention = runtime.settings().callLogRetentionDays;
  ctx.onStop(
    runtime.store.onChange(() => {
      const days = runtime.settings().callLogRetentionDays;
      if (days === retention) return;
      retention = days;
      prune();
    }),
  );
  prune();
}
