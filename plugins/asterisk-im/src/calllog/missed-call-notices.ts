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
    for (const call of await callLog.pendingNotices(session.bareJid)) {
      if (session.isEnded) return;
      if (!(await callLog.claimNotice(call.id))) continue;
      const message = new Element('message', { to: session.fullJid, from: component.domain, type: 'headline' });
      message.c('subject').t('Missed call');
      message.c('body').t(noticeText(call));
      // cnode answers the child: the notice is built from the outside in.
      message.c('missed-call', { xmlns: CALL_LOG_NS }).cnode(callElement(call));
      await component.send(message);
    }
  };
  ctx.events.on('sessionAvailable', (session) => {
    deliver(session).catch((err: unknown) => ctx.logger.warn({ err, user: session.bareJid }, 'could not tell of missed calls'));
  });
}
