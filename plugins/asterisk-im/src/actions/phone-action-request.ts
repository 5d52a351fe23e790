import type { Element } from 'ltx';
import { StanzaError, tryParseJid } from '@asterisk-im/server-core';
import { parseExtension } from './dial-target';

/** `DIAL`: originate from the user's primary device. `FORWARD`: send the user's call `callId` elsewhere. */
export type PhoneActionType = 'DIAL' | 'FORWARD';

/** Who to reach: a number as typed, or a chat user whose primary extension is dialled. */
export type DialTarget = { kind: 'extension'; extension: string } | { kind: 'jid'; jid: string };

export interface PhoneActionRequest {
  type: PhoneActionType;
  target: DialTarget;
  /** FORWARD only: the call as phone events named it (`callID`). */
  callId?: string;
}

const MAX_CALL_ID_LENGTH = 150;

/**
 * Reads `<phone-action type='DIAL|FORWARD' [id='…']>` with one `<extension>` or
 * `<jid>` child. Anything else is `bad-request` with a text naming the field.
 */
export function parsePhoneAction(payload: Element): PhoneActionRequest {
  const type = String(payload.attrs.type ?? '').toUpperCase();
  if (type !== 'DIAL' && type !== 'FORWARD') throw new StanzaError('bad-request', "type: must be 'DIAL' or 'FORWARD'");
  const target = parseTarget(payload);
  if (type === 'DIAL') return { type, target };
  const callId = String(payload.attrs.id ?? '').trim();
  if (!callId) throw new StanzaError('bad-request', 'id: FORWARD needs the id of the call to forward');
  if (callId.length > MAX_CALL_ID_LENGTH || /[\r\n]/.test(callId)) throw new StanzaError('bad-request', 'id: not a call id');
  return { type, target, callId };
}

function parseTarget(payload: Element): DialTarget {
  const extension = payload.getChild('extension');
  const jid = payload.getChild('jid');
  if (extension && jid) throw new StanzaError('bad-request', 'give either <extension> or <jid>, not both');
  if (extension) {
    const parsed = parseExtension(extension.text());
    if (!parsed.ok) throw new StanzaError('bad-request', parsed.reason);
    return { kind: 'extension', extension: parsed.extension };
  }
  if (jid) {
    const parsed = tryParseJid(jid.text().trim());
    if (!parsed || !parsed.local) throw new StanzaError('bad-request', 'jid: not a user address');
    return { kind: 'jid', jid: parsed.bare };
  }
  throw new StanzaError('bad-request', 'extension: give <extension> or <jid>');
}
