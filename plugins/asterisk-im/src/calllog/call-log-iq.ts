import { Element } from 'ltx';
import { StanzaError, type IqHandler } from '@asterisk-im/server-core';
import type { AsteriskImRuntime } from '../runtime';
import { DEFAULT_PAGE, UnknownCursorError, type LoggedCall } from './call-log-store';

import { CALL_LOG_NS } from '../namespaces';

export { CALL_LOG_NS };
const MAX_PAGE = 100;

/** One call as the user's client gets it; the caller ID goes to no one but the user. */
export function callElement(call: LoggedCall): Element {
  const attrs: Record<string, string> = {
    id: call.id,
    direction: call.direction,
    start: new Date(call.startedAt).toISOString(),
    duration: String(call.durationSeconds),
    answered: String(call.answered),
  };
  if (call.number) attrs.number = call.number;
  if (call.name) attrs.name = call.name;
  return new Element('call', attrs);
}

/**
 * `<calls xmlns='urn:asterisk-im:call-log:0' max='20' before='<id>'/>` to `phone.<domain>`: the
 * sender's own calls, newest first. Any node answers (the table is shared). Asking for another
 * user's calls is `forbidden`, whoever asks.
 */
export function callLogHandler(runtime: AsteriskImRuntime): IqHandler {
  return async ({ iq, payload, from }) => {
    if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'the call log is read with an IQ get');
    if (!from.local || from.domain !== runtime.ctx.domain.toLowerCase()) throw new StanzaError('forbidden', 'only users of this server have a call log');
    const user = from.bare;
    const asked = payload.attrs.jid as string | undefined;
    if (asked !== undefined && asked.trim().toLowerCase() !== user) throw new StanzaError('forbidden', 'a call log is only shown to its own user');
    const maxText = payload.attrs.max as string | undefined;
    const max = maxText === undefined ? DEFAULT_PAGE : Number(maxText);
    if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) throw new StanzaError('bad-request', `max must be a whole number from 1 to ${MAX_PAGE}`);
    const before = payload.attrs.before as string | undefined;
    let page;
    try {
      page = await runtime.callLog.page(user, { max, before: before === '' ? undefined : before });
    } catch (error) {
      if (error instanceof UnknownCursorError) throw new StanzaError('item-not-found', error.message);
      throw error;
    }
    const answer = new Element('calls', { xmlns: CALL_LOG_NS, complete: String(page.complete) });
    for (const call of page.calls) answer.cnode(callElement(call));
    return answer;
  };
}
