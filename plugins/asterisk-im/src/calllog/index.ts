/**
 * The call log: each call of a user's phones, recorded by the senior in the plugin's table,
 * read by the user through an IQ on `phone.<domain>` (their own calls only) and by admins
 * through the admin API and console; missed calls told at the next login when enabled.
 */
import type { AsteriskImRuntime } from '../runtime';
import { CALL_LOG_NS, callLogHandler } from './call-log-iq';
import { startCallLogRecorder } from './call-log-recorder';
import { startMissedCallNotices } from './missed-call-notices';

export { CALL_LOG_NS } from './call-log-iq';
export { CallLogStore, isMissed } from './call-log-store';
export type { CallLogPage, LoggedCall } from './call-log-store';

export function registerCallLog(runtime: AsteriskImRuntime): void {
  runtime.ctx.onStop(runtime.component.addIqHandler(CALL_LOG_NS, callLogHandler(runtime)));
  startCallLogRecorder(runtime);
  startMissedCallNotices(runtime);
}
