import { Element } from 'ltx';
import type { PhoneEvent } from '../calls';
import { PHONE_NS } from '../presence/phone-presence';

/** The Spark `phone-event` message for one of the user's sessions. */
export function phoneEventMessage(event: PhoneEvent, from: string, to: string): Element {
  const message = new Element('message', { from, to });
  const payload = message.c('phone-event', { xmlns: PHONE_NS, type: event.type, callID: event.callID, device: event.device });
  if (event.type === 'RING' || event.type === 'DIALED') {
    if (event.callerID !== undefined) payload.c('callerID').t(event.callerID);
    if (event.callerIDName !== undefined) payload.c('callerIDName').t(event.callerIDName);
  } else if (event.type === 'ON_PHONE' && event.callerID !== undefined) {
    payload.c('callerID').t(event.callerID);
  }
  return message;
}
