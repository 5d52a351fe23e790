import { z } from 'zod';
import type { AmiEvent } from '../ami/ami-message';

/** The part of a channel every call event describes (prefix `` or `Dest`). */
export interface ChannelSnapshot {
  channel: string;
  uniqueid: string;
  state: number;
  callerIdNum?: string;
  callerIdName?: string;
  connectedLineNum?: string;
  connectedLineName?: string;
  exten?: string;
}

/** The AMI events the tracker understands, validated and typed. */
export type CallEvent =
  | { kind: 'channel-update'; name: 'Newchannel' | 'Newstate' | 'NewConnectedLine' | 'BridgeEnter' | 'BridgeLeave'; channel: ChannelSnapshot }
  | { kind: 'dial-begin'; caller?: ChannelSnapshot; dest: ChannelSnapshot; dialString?: string }
  | { kind: 'dial-progress'; caller?: ChannelSnapshot; dest: ChannelSnapshot; status: string }
  | { kind: 'dial-end'; caller?: ChannelSnapshot; dest: ChannelSnapshot; status: string }
  | { kind: 'hold' | 'unhold'; channel: ChannelSnapshot }
  | { kind: 'hangup'; channel: ChannelSnapshot; cause?: string }
  | { kind: 'device-state'; device: string; state: string };

export type ParsedCallEvent = CallEvent | { kind: 'not-a-call-event' } | { kind: 'invalid'; reason: string };

const MAX_FIELD = 256;
const text = z.string().max(MAX_FIELD);
const channelName = z.string().min(3).max(MAX_FIELD).regex(/^[^\s/]+\/\S+$/, 'not a channel name');
const uniqueid = z.string().min(1).max(150).regex(/^[\w.\-]+$/, 'not a unique id');
const channelState = z.string().regex(/^\d{1,2}$/, 'not a channel state').transform(Number);
// Built once: the senior parses every call event through these, thousands per second.
const channelFields = z.object({ channel: channelName, uniqueid, state: channelState });
const optionalText = text.optional();
const deviceName = z.string().min(1).max(MAX_FIELD);

/** Asterisk writes an absent caller ID as `<unknown>`; we keep it absent. */
function known(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '<unknown>' ? undefined : trimmed;
}

function snapshot(fields: Readonly<Record<string, string>>, prefix: '' | 'dest'): ChannelSnapshot {
  const get = (key: string): string | undefined => fields[prefix + key];
  const parsed = channelFields.parse({ channel: get('channel'), uniqueid: get('uniqueid'), state: get('channelstate') });
  const optional = (key: string): string | undefined => known(optionalText.parse(get(key)));
  return {
    ...parsed,
    callerIdNum: optional('calleridnum'),
    callerIdName: optional('calleridname'),
    connectedLineNum: optional('connectedlinenum'),
    connectedLineName: optional('connectedlinename'),
    exten: optional('exten'),
  };
}

/** A dial event's caller side is empty when the dial has no calling channel (Originate). */
function optionalCaller(fields: Readonly<Record<string, string>>): ChannelSnapshot | undefined {
  return fields.channel ? snapshot(fields, '') : undefined;
}

const word = z.string().min(1).max(64).regex(/^[A-Za-z_]+$/, 'not a status word');

function parseKnown(event: AmiEvent): ParsedCallEvent {
  const f = event.fields;
  switch (event.name.toLowerCase()) {
    case 'newchannel':
      return { kind: 'channel-update', name: 'Newchannel', channel: snapshot(f, '') };
    case 'newstate':
      return { kind: 'channel-update', name: 'Newstate', channel: snapshot(f, '') };
    case 'newconnectedline':
      return { kind: 'channel-update', name: 'NewConnectedLine', channel: snapshot(f, '') };
    case 'bridgeenter':
      return { kind: 'channel-update', name: 'BridgeEnter', channel: snapshot(f, '') };
    case 'bridgeleave':
      return { kind: 'channel-update', name: 'BridgeLeave', channel: snapshot(f, '') };
    case 'dialbegin':
      return { kind: 'dial-begin', caller: optionalCaller(f), dest: snapshot(f, 'dest'), dialString: known(optionalText.parse(f.dialstring)) };
    case 'dialstate':
      return { kind: 'dial-progress', caller: optionalCaller(f), dest: snapshot(f, 'dest'), status: word.parse(f.dialstatus).toUpperCase() };
    case 'dialend':
      return { kind: 'dial-end', caller: optionalCaller(f), dest: snapshot(f, 'dest'), status: word.parse(f.dialstatus).toUpperCase() };
    case 'hold':
      return { kind: 'hold', channel: snapshot(f, '') };
    case 'unhold':
      return { kind: 'unhold', channel: snapshot(f, '') };
    case 'hangup':
      return { kind: 'hangup', channel: snapshot(f, ''), cause: known(optionalText.parse(f.cause)) };
    case 'devicestatechange':
      return {
        kind: 'device-state',
        device: deviceName.parse(f.device),
        state: word.parse(f.state),
      };
    default:
      return { kind: 'not-a-call-event' };
  }
}

/** Validates an AMI event at the tracker's edge; bad fields become an `invalid` value, never a throw. */
export function parseCallEvent(event: AmiEvent): ParsedCallEvent {
  try {
    return parseKnown(event);
  } catch (error) {
    const reason = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.') || 'field'}: ${i.message}`).join('; ') : String(error);
    return { kind: 'invalid', reason: `${event.name}: ${reason}` };
  }
}

/** A `CoreShowChannel` list item, read as the snapshot of a channel in progress. */
export function parseCoreShowChannel(item: AmiEvent): ChannelSnapshot | { invalid: string } {
  try {
    return snapshot(item.fields, '');
  } catch (error) {
    return { invalid: `${item.name}: ${error instanceof z.ZodError ? error.issues[0]?.message : String(error)}` };
  }
}
