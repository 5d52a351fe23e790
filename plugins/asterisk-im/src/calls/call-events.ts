import type { AmiEvent } from '../ami/ami-message';
import { FieldError, optionalText, requiredText, type TextRule } from './field-rules';

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
  /** How long the channel exists, when the event says (`CoreShowChannel`'s `Duration`). */
  ageMs?: number;
}

/** The AMI events the tracker understands, validated and typed. */
export type CallEvent =
  | { kind: 'channel-update'; name: 'Newchannel' | 'Newstate' | 'NewConnectedLine' | 'BridgeEnter' | 'BridgeLeave'; channel: ChannelSnapshot }
  | { kind: 'dial-begin'; caller?: ChannelSnapshot; dest: ChannelSnapshot; dialString?: string }
  | { kind: 'dial-progress'; caller?: ChannelSnapshot; dest: ChannelSnapshot; status: string }
  | { kind: 'dial-end'; caller?: ChannelSnapshot; dest: ChannelSnapshot; status: string }
  | { kind: 'hold' | 'unhold'; channel: ChannelSnapshot }
  | { kind: 'hangup'; channel: ChannelSnapshot; cause?: string }
  | { kind: 'device-state'; device: string; state: string }
  /** `PeerStatus` / `ContactStatus`: whether Asterisk can reach the phone; never ends a call. */
  | { kind: 'reachability'; device: string; reachable: boolean }
  /** res_presence_state's `PresenceStateChange` (Presentity, Status, Subtype, Message). */
  | { kind: 'presence-state'; presentity: string; status: string };

export type ParsedCallEvent = CallEvent | { kind: 'not-a-call-event' } | { kind: 'invalid'; reason: string };

const MAX_FIELD = 256;
const TEXT: TextRule = { max: MAX_FIELD };
const CHANNEL_NAME: TextRule = { min: 3, max: MAX_FIELD, pattern: /^[^\s/]+\/\S+$/, what: 'not a channel name' };
const UNIQUEID: TextRule = { min: 1, max: 150, pattern: /^[\w.\-]+$/, what: 'not a unique id' };
const CHANNEL_STATE: TextRule = { max: 2, pattern: /^\d{1,2}$/, what: 'not a channel state' };
const DEVICE_NAME: TextRule = { min: 1, max: MAX_FIELD };
const WORD: TextRule = { min: 1, max: 64, pattern: /^[A-Za-z_]+$/, what: 'not a status word' };
const ENDPOINT_NAME: TextRule = { min: 1, max: MAX_FIELD, pattern: /^[^\s/]+$/, what: 'not an endpoint name' };

/** Asterisk writes an absent caller ID as `<unknown>`; we keep it absent. */
function known(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '<unknown>' ? undefined : trimmed;
}

function snapshot(fields: Readonly<Record<string, string>>, prefix: '' | 'dest'): ChannelSnapshot {
  const get = (key: string): string | undefined => fields[prefix + key];
  const optional = (key: string): string | undefined => known(optionalText(get(key), prefix + key, TEXT));
  return {
    channel: requiredText(get('channel'), `${prefix}channel`, CHANNEL_NAME),
    uniqueid: requiredText(get('uniqueid'), `${prefix}uniqueid`, UNIQUEID),
    state: Number(requiredText(get('channelstate'), `${prefix}channelstate`, CHANNEL_STATE)),
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
      return { kind: 'dial-begin', caller: optionalCaller(f), dest: snapshot(f, 'dest'), dialString: known(optionalText(f.dialstring, 'dialstring', TEXT)) };
    case 'dialstate':
      return { kind: 'dial-progress', caller: optionalCaller(f), dest: snapshot(f, 'dest'), status: requiredText(f.dialstatus, 'dialstatus', WORD).toUpperCase() };
    case 'dialend':
      return { kind: 'dial-end', caller: optionalCaller(f), dest: snapshot(f, 'dest'), status: requiredText(f.dialstatus, 'dialstatus', WORD).toUpperCase() };
    case 'hold':
      return { kind: 'hold', channel: snapshot(f, '') };
    case 'unhold':
      return { kind: 'unhold', channel: snapshot(f, '') };
    case 'hangup':
      return { kind: 'hangup', channel: snapshot(f, ''), cause: known(optionalText(f.cause, 'cause', TEXT)) };
    case 'devicestatechange':
      return {
        kind: 'device-state',
        device: requiredText(f.device, 'device', DEVICE_NAME),
        state: requiredText(f.state, 'state', WORD),
      };
    case 'presencestatechange':
      return { kind: 'presence-state', presentity: requiredText(f.presentity, 'presentity', DEVICE_NAME), status: requiredText(f.status, 'status', WORD) };
    case 'peerstatus':
      return reachability(requiredText(f.peer, 'peer', DEVICE_NAME), requiredText(f.peerstatus, 'peerstatus', WORD));
    case 'contactstatus':
      // PJSIP names the endpoint alone; its device is PJSIP/<endpoint>.
      return reachability(`PJSIP/${requiredText(f.endpointname, 'endpointname', ENDPOINT_NAME)}`, requiredText(f.contactstatus, 'contactstatus', WORD));
    default:
      return { kind: 'not-a-call-event' };
  }
}

/**
 * `PeerStatus` (Registered, Unregistered, Reachable, Unreachable, Lagged, Rejected) and
 * `ContactStatus` (Created, Updated, Reachable, Unreachable, Unqualified, Removed, Unknown)
 * as Asterisk 18 to 22 send them. A status that says nothing about reachability is ignored.
 */
function reachability(device: string, status: string): ParsedCallEvent {
  const word = status.toLowerCase();
  if (['registered', 'reachable', 'lagged', 'created', 'updated', 'unqualified'].includes(word)) return { kind: 'reachability', device, reachable: true };
  if (['unregistered', 'unreachable', 'rejected', 'removed'].includes(word)) return { kind: 'reachability', device, reachable: false };
  return { kind: 'not-a-call-event' };
}

/** Validates an AMI event at the tracker's edge; bad fields become an `invalid` value, never a throw. */
export function parseCallEvent(event: AmiEvent): ParsedCallEvent {
  try {
    return parseKnown(event);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    return { kind: 'invalid', reason: `${event.name}: ${error.message}` };
  }
}

/** A `CoreShowChannel` list item, read as the snapshot of a channel in progress. */
export function parseCoreShowChannel(item: AmiEvent): ChannelSnapshot | { invalid: string } {
  try {
    const found = snapshot(item.fields, '');
    // `HH:MM:SS` since the channel was created; a call found at a resync is logged from then.
    const duration = /^(\d+):([0-5]\d):([0-5]\d)$/.exec(item.fields.duration?.trim() ?? '');
    if (duration) found.ageMs = ((Number(duration[1]) * 60 + Number(duration[2])) * 60 + Number(duration[3])) * 1000;
    return found;
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    return { invalid: `${item.name}: ${error.message}` };
  }
}
