import { Element } from 'ltx';
import { StanzaError, type IqHandler } from '@asterisk-im/server-core';
import type { AsteriskImRuntime } from '../runtime';
import { outcomeFromTask, throwIfFailed } from './action-outcome';
import { parsePhoneAction, type DialTarget } from './phone-action-request';
import type { PhoneActionTask } from './senior-phone-actions';

export const PHONE_NS = 'http://jivesoftware.com/xmlns/phone';
export const PHONE_ACTION_TASK = 'phone-action';

/** Covers the senior's AMI action timeout plus a channel listing for FORWARD. */
const TASK_TIMEOUT_MS = 12_000;

/**
 * The IQ handler for `<phone-action/>` on `phone.<domain>`, on whichever node
 * the client is connected to: it checks what it can from the replicated store,
 * then hands the action to the senior and turns its outcome into the reply.
 */
export function phoneActionHandler(runtime: AsteriskImRuntime): IqHandler {
  return async ({ iq, payload, from }) => {
    if (iq.attrs.type !== 'set') throw new StanzaError('bad-request', 'a phone-action is an IQ set');
    if (!from.local) throw new StanzaError('not-authorized', 'only users can place calls');
    const request = parsePhoneAction(payload);
    const user = from.bare;
    if (!runtime.store.devices.primaryOf(user)) throw new StanzaError('item-not-found', 'you have no phone');
    const task: PhoneActionTask = { user, type: request.type, extension: extensionOf(runtime, request.target) };
    if (request.callId) task.callId = request.callId;
    let answer: unknown;
    try {
      answer = await runtime.ctx.cluster.runOnSenior(PHONE_ACTION_TASK, { ...task }, { timeoutMs: TASK_TIMEOUT_MS });
    } catch (error) {
      runtime.ctx.logger.warn({ err: error, user, type: request.type }, 'the senior did not run the phone action');
      throw new StanzaError('undefined-condition', 'the node holding the Asterisk connection did not answer');
    }
    throwIfFailed(outcomeFromTask(answer));
    return new Element('phone-action', { xmlns: PHONE_NS, type: request.type });
  };
}

/** A JID is dialled through that user's primary extension. */
function extensionOf(runtime: AsteriskImRuntime, target: DialTarget): string {
  if (target.kind === 'extension') return target.extension;
  const device = runtime.store.devices.primaryOf(target.jid);
  if (!device) throw new StanzaError('item-not-found', `${target.jid} has no phone`);
  return device.extension;
}
