import { Element } from 'ltx';
import type { PluginSession } from '@asterisk-im/server-core';
import type { AsteriskImRuntime } from '../runtime';
import { CALL_LOG_NS, callElement } from './call-log-iq';
import type { LoggedCall } from './call-log-store';

/** The text of a notice: who called and when (UTC, so every client reads the same). */
export function noticeText(call: LoggedCall): string {
  const who = call.name && call.number ? `${call.name} (${call.number})` : call.number ?? call.name ?? 'an unknown caller';
  const when = new Date(call.startedAt).toISOString().replace('T', ' ').slice(0, 16);
  return `Missed call from ${who} at ${when} UTC`;
}

/**
 * A missed call marked while the user was offline (see the recorder) is told once, as a headline
 * from `phone.<domain>`, to the first session that becomes available: the notice is claimed in
 * the shared table first, so two logins on two nodes at once tell it once.
 */
export function startMissedCallNotices(runtime: AsteriskImRuntime): void {
  const { ctx, callLog, component } = runtime;
  const deliver = async (session: PluginSession): Promise<void> => {
    const pending = await callLog.pendingNotices(session.bareJid);
    let told = 0;
    for (const call of pending) {
      if (session.isEnded) break;
      if (!(await callLog.claimNotice(call.id))) continue;
      told += 1;
      const message = new Element('message', { to: session.fullJid, from: component.domain, type: 'headline' });
      message.c('subject').t('Missed call');
      message.c('body').t(noticeText(call));
      // cnode answers the child: the notice is built from the outside in.
      message.c('missed-call', { xmlns: CALL_LOG_NS }).cnode(callElement(call));
      await component.send(message);
    }
    // One line per login of a phone user while the setting is on: what this login told, and what
    // another session of the user (on this node or another) claimed at the same time.
    ctx.logger.info({ user: session.bareJid, fullJid: session.fullJid, told, claimedElsewhere: pending.length - told }, 'missed-call notices checked');
  };
  ctx.events.on('sessionAvailable', (session) => {
    // Turned off, notices still pending stay untold (the calls stay in the log).
    if (!runtime.settings().missedCallMessages || runtime.store.devices.ofUser(session.bareJid).length === 0) return;
    deliver(session).catch((err: unknown) => ctx.logger.warn({ err, user: session.bareJid }, 'could not tell of missed calls'));
  });
}
