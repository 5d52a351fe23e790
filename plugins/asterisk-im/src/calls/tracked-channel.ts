import type { ChannelSnapshot } from './call-events';
import type { UserCall } from './call-tracker';
import { ChannelState, type DeviceState } from './device-state';

/** Who started the call, seen from the device: it rang (`incoming`) or it dialled (`outgoing`). */
export type CallDirection = 'incoming' | 'outgoing' | 'unknown';

export type PhoneEventType = 'RING' | 'DIALED' | 'ON_PHONE' | 'HANG_UP';

/** One phone channel (never a Local half) the tracker follows, keyed by Uniqueid. */
export interface TrackedChannel {
  readonly uniqueid: string;
  channel: string;
  readonly device: string;
  direction: CallDirection;
  channelState: number;
  held: boolean;
  /** The other party, as far as Asterisk told us. */
  otherNum?: string;
  otherName?: string;
  /** Phone events already sent for this channel, so each is sent once. */
  readonly announced: Set<PhoneEventType>;
  /** When the call was first seen (ms since the epoch), for the call log. */
  readonly startedAt: number;
  /** When the channel was first seen up (answered), if it was. */
  answeredAt?: number;
}

/** A phone event that is due for a channel; the tracker adds the user. */
export interface DuePhoneEvent {
  type: PhoneEventType;
  callerID?: string;
  callerIDName?: string;
}

/** Direction a channel reveals by the state it is first seen in. */
function directionFromState(state: number): CallDirection {
  if (state >= ChannelState.reserved && state <= ChannelState.ring) return 'outgoing';
  if (state === ChannelState.ringing) return 'incoming';
  return 'unknown';
}

export function newTrackedChannel(snapshot: ChannelSnapshot, device: string, now: number): TrackedChannel {
  const direction = directionFromState(snapshot.state);
  const tracked: TrackedChannel = {
    uniqueid: snapshot.uniqueid,
    channel: snapshot.channel,
    device,
    direction,
    channelState: snapshot.state,
    held: false,
    announced: new Set(),
    startedAt: now - (snapshot.ageMs ?? 0),
  };
  // A phone that dials shows the digits it dialled as its extension.
  if (direction === 'outgoing' && snapshot.exten && snapshot.exten !== 's') tracked.otherNum = snapshot.exten;
  applySnapshot(tracked, snapshot, now);
  return tracked;
}

/**
 * A call as another listener left it in the replicated phone state, with the phone events its
 * clients already had. Entries written before those fields existed fall back on the call's state.
 */
export function channelFromCall(call: UserCall, device: string, now: number): TrackedChannel {
  const held = call.state === 'on-hold';
  const fallbackState = call.state === 'ringing' ? ChannelState.ringing : ChannelState.up;
  const tracked: TrackedChannel = {
    uniqueid: call.callID,
    channel: call.channel,
    device,
    direction: call.direction,
    channelState: typeof call.channelState === 'number' ? call.channelState : fallbackState,
    held,
    announced: new Set(Array.isArray(call.announced) ? call.announced : []),
    startedAt: typeof call.startedAt === 'number' ? call.startedAt : now,
  };
  if (typeof call.answeredAt === 'number') tracked.answeredAt = call.answeredAt;
  else if (tracked.channelState === ChannelState.up) tracked.answeredAt = tracked.startedAt;
  if (call.otherNum) tracked.otherNum = call.otherNum;
  if (call.otherName) tracked.otherName = call.otherName;
  return tracked;
}

/** Takes what a fresh snapshot says about the channel's state and the other party. */
export function applySnapshot(tracked: TrackedChannel, snapshot: ChannelSnapshot, now: number): void {
  tracked.channel = snapshot.channel;
  tracked.channelState = snapshot.state;
  if (snapshot.state === ChannelState.up && tracked.answeredAt === undefined) tracked.answeredAt = now;
  if (tracked.direction === 'unknown') tracked.direction = directionFromState(snapshot.state);
  // Some channel drivers fill the connected line with the channel's own number before the call connects.
  const other = snapshot.connectedLineNum;
  if (other && other !== snapshot.callerIdNum) {
    tracked.otherNum = other;
    tracked.otherName = snapshot.connectedLineName;
  }
}

export function channelDeviceState(tracked: TrackedChannel): DeviceState {
  if (tracked.held) return 'on-hold';
  if (tracked.channelState === ChannelState.up) return 'on-call';
  if (tracked.direction === 'outgoing' && tracked.channelState !== ChannelState.down) return 'dialing';
  if (tracked.channelState === ChannelState.ringing) return 'ringing';
  return 'idle';
}

/** The phone events the channel's current state calls for and that were not sent yet; marks them sent. */
export function takeDuePhoneEvents(tracked: TrackedChannel): DuePhoneEvent[] {
  const due: DuePhoneEvent[] = [];
  const announce = (type: PhoneEventType, withName: boolean): void => {
    if (tracked.announced.has(type)) return;
    tracked.announced.add(type);
    const event: DuePhoneEvent = { type };
    if (tracked.otherNum) event.callerID = tracked.otherNum;
    if (withName && tracked.otherName) event.callerIDName = tracked.otherName;
    due.push(event);
  };
  const answered = tracked.channelState === ChannelState.up;
  if (tracked.direction === 'outgoing') announce('DIALED', true);
  if (tracked.direction === 'incoming' && tracked.channelState === ChannelState.ringing && !tracked.announced.has('ON_PHONE')) {
    announce('RING', true);
  }
  if (answered) announce('ON_PHONE', false);
  return due;
}

/** A hang-up is only news to clients that heard of the call. */
export function hangUpIsDue(tracked: TrackedChannel): boolean {
  return tracked.announced.size > 0 && !tracked.announced.has('HANG_UP');
}
