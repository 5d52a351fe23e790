import { EventEmitter } from 'eventemitter3';
import type { AmiEvent } from '../ami/ami-message';
import { parseCallEvent, parseCoreShowChannel, type CallEvent, type ChannelSnapshot } from './call-events';
import { ChannelTable } from './channel-table';
import { EndedChannels } from './ended-channels';
import { deviceOfChannel, normaliseDeviceName } from './device-name';
import { deviceStateFromAsterisk, isBusyState, strongestState, type DeviceState } from './device-state';
import { DndStates } from './dnd-states';
import {
  applySnapshot,
  channelDeviceState,
  channelFromCall,
  hangUpIsDue,
  newTrackedChannel,
  takeDuePhoneEvents,
  type CallDirection,
  type PhoneEventType,
  type TrackedChannel,
} from './tracked-channel';

/** A device as the admin mapped it to a chat user. */
export interface DeviceMapping {
  /** As Asterisk names it: `PJSIP/1001`. */
  device: string;
  /** The user's bare JID. */
  user: string;
  monitored: boolean;
  /** The phone's extension, which names its DND hint (`Custom:DND<ext>`); default: the device's resource (`1001`). */
  extension?: string;
}

export interface CallTrackerOptions {
  devices?: readonly DeviceMapping[];
  /** Count a ringing device as "on the phone". Default false. */
  ringingIsBusy?: boolean;
  /** How many hung-up channels to remember so that late events about them are ignored. Default 1000. */
  endedChannelMemory?: number;
  /** The clock of call start, answer and end times (ms since the epoch). Default Date.now. */
  now?: () => number;
}

const DEFAULT_ENDED_CHANNEL_MEMORY = 1000;
/** What `publish` compares for a user with no call and no busy device. */
const IDLE_USER_KEY = JSON.stringify([false, 'idle', false, [], []]);

/** One call of a user, as shown to the plugin and the admin console. */
export interface UserCall {
  callID: string;
  device: string;
  channel: string;
  state: Exclude<DeviceState, 'idle'>;
  direction: CallDirection;
  otherNum?: string;
  otherName?: string;
  /** Asterisk's channel state, so whoever takes the call over knows what is still to come. */
  channelState: number;
  /** The phone events the user's clients already had for this call: a new senior sends none of them again. */
  announced: PhoneEventType[];
  /** When the call was first seen and answered (ms since the epoch): a new senior logs the call with them. Absent in entries of older versions. */
  startedAt?: number;
  answeredAt?: number;
}

/** A call of a user's phone that ended, as the call log keeps it. */
export interface EndedCall {
  /** The Uniqueid of the user's channel: one call of one phone. */
  callID: string;
  user: string;
  device: string;
  direction: CallDirection;
  otherNum?: string;
  otherName?: string;
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
}

/** Spark-compatible phone event for the user's own clients. */
export interface PhoneEvent {
  user: string;
  device: string;
  callID: string;
  type: PhoneEventType;
  callerID?: string;
  callerIDName?: string;
}

export interface DeviceStateChange {
  device: string;
  user: string;
  state: DeviceState;
}

export interface UserPhoneState {
  user: string;
  onPhone: boolean;
  /**
   * The user's one merged state over all devices and PBXs (see `strongestState`). Entries
   * written before it existed lack it: readers fall back on `onPhone` (on-call) and idle.
   */
  state?: DeviceState;
  calls: UserCall[];
  /** The user's monitored devices that are not idle, with their state. */
  devices: Array<{ device: string; state: Exclude<DeviceState, 'idle'> }>;
  /** Set (true) while do-not-disturb is on at one of the user's phones. */
  dnd?: true;
}

export interface CallTrackerEvents {
  deviceState: (change: DeviceStateChange) => void;
  userPhoneState: (state: UserPhoneState) => void;
  phoneEvent: (event: PhoneEvent) => void;
  /** A call of a monitored phone hung up (or was found gone at a resync). */
  callEnded: (call: EndedCall) => void;
  /** An AMI event or list item the tracker refused at its edge. */
  invalidEvent: (reason: string) => void;
}

/**
 * Follows calls from AMI events and keeps the phone state of every mapped,
 * monitored device and of its user. Pure logic: it never touches the network,
 * so the same instance can be fed live events, resync results or test data.
 *
 * Channels are the source of truth. `DeviceStateChange` only fills in while a
 * device has no channel we know of, and an idle report clears the device's
 * channels, so a hang-up we missed never leaves a user stuck "on the phone".
 */
export class CallTracker extends EventEmitter<CallTrackerEvents> {
  private readonly ringingIsBusy: boolean;
  private mappings = new Map<string, DeviceMapping>();
  /** Monitored devices by user, derived from `mappings`. */
  private monitoredDevicesByUser = new Map<string, string[]>();
  private readonly channels = new ChannelTable();
  /** Last state Asterisk reported per device through DeviceStateChange. */
  private reported = new Map<string, DeviceState>();
  private readonly publishedDevice = new Map<string, DeviceState>();
  private readonly publishedUser = new Map<string, string>();
  private readonly ended: EndedChannels;
  private readonly dnd = new DndStates();
  private readonly now: () => number;

  constructor(options: CallTrackerOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.ringingIsBusy = options.ringingIsBusy ?? false;
    this.ended = new EndedChannels(options.endedChannelMemory ?? DEFAULT_ENDED_CHANNEL_MEMORY);
    this.replaceMappings(options.devices ?? []);
  }

  /** Replaces the device map; states of devices that gained or lost a user are published at once. */
  setDevices(devices: readonly DeviceMapping[]): void {
    const touched = new Set([...this.mappings.keys()]);
    this.replaceMappings(devices);
    for (const device of this.mappings.keys()) touched.add(device);
    for (const device of touched) {
      if (!this.mappings.has(device)) this.publishedDevice.delete(device);
    }
    this.publish(touched, new Set([...this.publishedUser.keys()]));
  }

  /** Applies one live AMI event. Events that are not about calls are ignored. */
  handle(event: AmiEvent): void {
    const parsed = parseCallEvent(event);
    if (parsed.kind === 'not-a-call-event') return;
    if (parsed.kind === 'invalid') {
      this.emit('invalidEvent', parsed.reason);
      return;
    }
    const touched = new Set<string>();
    this.apply(parsed, touched);
    this.publish(touched);
  }

  /**
   * Rebuilds the state from the calls in progress (`CoreShowChannels` items)
   * and the device states (`DeviceStateList` items), then publishes only what
   * changed: calls that ended unseen hang up, calls found in progress are
   * announced. Run it after every (re)connect.
   */
  resync(channelItems: readonly AmiEvent[], deviceStateItems: readonly AmiEvent[], presenceStateItems?: readonly AmiEvent[]): void {
    const touched = new Set<string>([...this.reported.keys()]);
    // DND comes back with the lists; presence states only from a PBX that can list them.
    for (const extension of this.dnd.forget(presenceStateItems ? ['hint', 'presence'] : ['hint'])) this.touchExtension(extension, touched);
    const previous = this.channels.snapshot();
    this.channels.clear();
    for (const item of channelItems) {
      const snapshot = parseCoreShowChannel(item);
      if ('invalid' in snapshot) {
        this.emit('invalidEvent', snapshot.invalid);
        continue;
      }
      const known = previous.get(snapshot.uniqueid);
      if (known) {
        applySnapshot(known, snapshot, this.now());
        this.channels.set(known);
        previous.delete(known.uniqueid);
        touched.add(known.device);
      } else {
        this.adopt(snapshot, touched);
      }
    }
    for (const gone of previous.values()) this.hangUp(gone, touched);

    this.reported = new Map();
    for (const item of deviceStateItems) {
      const parsed = parseCallEvent(item);
      if (parsed.kind !== 'device-state') {
        this.emit('invalidEvent', parsed.kind === 'invalid' ? parsed.reason : `${item.name}: not a device state`);
        continue;
      }
      const hint = this.dnd.applyHint(parsed.device, parsed.state);
      if (hint !== null) {
        this.touchExtension(hint, touched);
        continue;
      }
      const device = normaliseDeviceName(parsed.device);
      const state = deviceStateFromAsterisk(parsed.state);
      this.reported.set(device, state);
      touched.add(device);
      // The channel list cannot say a call is held; the device state can.
      if (state === 'on-hold') for (const tracked of this.channelsOf(device)) tracked.held = true;
    }
    for (const item of presenceStateItems ?? []) {
      const parsed = parseCallEvent(item);
      if (parsed.kind !== 'presence-state') {
        this.emit('invalidEvent', parsed.kind === 'invalid' ? parsed.reason : `${item.name}: not a presence state`);
        continue;
      }
      const extension = this.dnd.applyPresence(parsed.presentity, parsed.status);
      if (extension !== null) this.touchExtension(extension, touched);
    }
    for (const tracked of this.channels.values()) this.announce(tracked);
    this.publish(touched);
  }

  /**
   * Takes over the phone state another listener (the previous senior, or this node's link before
   * a reconnect) left in the replicated cache, as if this tracker had followed those calls: the
   * resync that follows hangs up only the calls that ended meanwhile, keeps the others, and sends
   * no phone event a client already had. Emits nothing: the cache already shows it.
   */
  restore(users: readonly UserPhoneState[]): void {
    const touched = new Set<string>();
    const mine = (device: string, user: string): boolean => this.monitoredMapping(device)?.user === user;
    for (const { user, calls, devices } of users) {
      for (const call of calls ?? []) {
        const device = normaliseDeviceName(call.device);
        if (!mine(device, user) || this.channels.get(call.callID) || this.ended.has(call.callID)) continue;
        this.channels.set(channelFromCall(call, device, this.now()));
        touched.add(device);
      }
      for (const { device: name, state } of devices ?? []) {
        const device = normaliseDeviceName(name);
        if (!mine(device, user) || this.channelsOf(device).length > 0) continue;
        this.reported.set(device, state);
        touched.add(device);
      }
    }
    this.publish(touched, new Set(), { emit: false });
  }

  /** Whether any monitored device of this tracker belongs to `user`. */
  hasUser(user: string): boolean {
    return this.monitoredDevicesByUser.has(user);
  }

  deviceState(device: string): DeviceState {
    return this.computeDeviceState(normaliseDeviceName(device));
  }

  userPhoneState(user: string): UserPhoneState {
    const calls = this.callsOf(user);
    const devices: UserPhoneState['devices'] = [];
    for (const device of this.devicesOf(user)) {
      const state = this.computeDeviceState(device);
      if (state !== 'idle') devices.push({ device, state });
    }
    const onPhone = devices.some(({ state }) => isBusyState(state, this.ringingIsBusy));
    const state: UserPhoneState = { user, onPhone, state: strongestState(devices.map((d) => d.state)), calls, devices };
    if (this.devicesOf(user).some((device) => this.dnd.isOn(this.extensionOf(this.mappings.get(device)!)))) state.dnd = true;
    return state;
  }

  /** Every mapped, monitored device with its user and state, for the admin console. */
  devices(): DeviceStateChange[] {
    return [...this.mappings.values()]
      .filter((m) => m.monitored)
      .map((m) => ({ device: m.device, user: m.user, state: this.computeDeviceState(m.device) }));
  }

  private replaceMappings(devices: readonly DeviceMapping[]): void {
    this.mappings = new Map(devices.map((m) => [normaliseDeviceName(m.device), { ...m, device: normaliseDeviceName(m.device) }]));
    this.monitoredDevicesByUser = new Map();
    for (const mapping of this.mappings.values()) {
      if (!mapping.monitored) continue;
      const ofUser = this.monitoredDevicesByUser.get(mapping.user);
      if (ofUser) ofUser.push(mapping.device);
      else this.monitoredDevicesByUser.set(mapping.user, [mapping.device]);
    }
  }

  private apply(event: CallEvent, touched: Set<string>): void {
    switch (event.kind) {
      case 'channel-update':
        this.update(event.channel, touched);
        return;
      case 'dial-begin': {
        this.update(event.dest, touched, 'incoming');
        if (!event.caller) return;
        const caller = this.update(event.caller, touched, 'outgoing');
        if (caller && !caller.otherNum && event.dialString) caller.otherNum = event.dialString.split('@')[0];
        return;
      }
      case 'dial-progress':
      case 'dial-end':
        this.update(event.dest, touched, 'incoming');
        if (event.caller) this.update(event.caller, touched, 'outgoing');
        return;
      case 'hold':
      case 'unhold': {
        const tracked = this.update(event.channel, touched);
        if (tracked) tracked.held = event.kind === 'hold';
        return;
      }
      case 'hangup': {
        const tracked = this.channels.get(event.channel.uniqueid);
        if (!tracked) {
          this.ended.add(event.channel.uniqueid);
          return;
        }
        this.hangUp(tracked, touched);
        // A hang-up is newer news than whatever the device reported before it.
        if (this.channelsOf(tracked.device).length === 0) this.reported.delete(tracked.device);
        return;
      }
      case 'device-state':
        if (this.dnd.applyHint(event.device, event.state) !== null) return this.touchExtension(DndStates.hintExtension(event.device)!, touched);
        this.applyDeviceState(normaliseDeviceName(event.device), event.state, touched);
        return;
      case 'presence-state': {
        const extension = this.dnd.applyPresence(event.presentity, event.status);
        if (extension !== null) this.touchExtension(extension, touched);
        return;
      }
      case 'reachability':
        this.applyReachability(normaliseDeviceName(event.device), event.reachable, touched);
        return;
    }
  }

  private applyDeviceState(device: string, asteriskState: string, touched: Set<string>): void {
    const state = deviceStateFromAsterisk(asteriskState);
    touched.add(device);
    if (state === 'idle') {
      this.reported.delete(device);
      for (const tracked of this.channelsOf(device)) this.hangUp(tracked, touched);
    } else {
      this.reported.set(device, state);
    }
  }

  private touchExtension(extension: string, touched: Set<string>): void {
    for (const mapping of this.mappings.values()) if (mapping.monitored && this.extensionOf(mapping) === extension) touched.add(mapping.device);
  }

  private extensionOf(mapping: DeviceMapping): string {
    return mapping.extension ?? mapping.device.slice(mapping.device.indexOf('/') + 1);
  }

  /** Only an idle phone shows as unreachable; a call on it (still up in Asterisk) says more. */
  private applyReachability(device: string, reachable: boolean, touched: Set<string>): void {
    const reported = this.reported.get(device);
    if (reachable && reported === 'unavailable') this.reported.delete(device);
    else if (!reachable && reported === undefined) this.reported.set(device, 'unavailable');
    else return;
    touched.add(device);
  }

  /** Updates (or adopts, if unknown) the channel a snapshot describes; null for channels that are not phones. */
  private update(snapshot: ChannelSnapshot, touched: Set<string>, direction?: CallDirection): TrackedChannel | null {
    const existing = this.channels.get(snapshot.uniqueid);
    const tracked = existing ?? this.adopt(snapshot, touched);
    if (!tracked) return null;
    if (existing) applySnapshot(existing, snapshot, this.now());
    if (direction && tracked.direction === 'unknown') tracked.direction = direction;
    touched.add(tracked.device);
    this.announce(tracked);
    return tracked;
  }

  private adopt(snapshot: ChannelSnapshot, touched: Set<string>): TrackedChannel | null {
    if (this.ended.has(snapshot.uniqueid)) return null;
    const device = deviceOfChannel(snapshot.channel);
    if (!device) return null;
    const tracked = newTrackedChannel(snapshot, device, this.now());
    this.channels.set(tracked);
    touched.add(device);
    return tracked;
  }

  private hangUp(tracked: TrackedChannel, touched: Set<string>): void {
    this.channels.delete(tracked.uniqueid);
    this.ended.add(tracked.uniqueid);
    touched.add(tracked.device);
    if (hangUpIsDue(tracked)) this.emitPhoneEvent(tracked, { type: 'HANG_UP' });
    const mapping = this.monitoredMapping(tracked.device);
    if (mapping) this.emit('callEnded', endedCall(tracked, mapping.user, this.now()));
  }

  private announce(tracked: TrackedChannel): void {
    if (!this.monitoredMapping(tracked.device)) return;
    for (const due of takeDuePhoneEvents(tracked)) this.emitPhoneEvent(tracked, due);
  }

  private emitPhoneEvent(tracked: TrackedChannel, due: { type: PhoneEventType; callerID?: string; callerIDName?: string }): void {
    const mapping = this.monitoredMapping(tracked.device);
    if (!mapping) return;
    tracked.announced.add(due.type);
    this.emit('phoneEvent', { user: mapping.user, device: mapping.device, callID: tracked.uniqueid, ...due });
  }

  private monitoredMapping(device: string): DeviceMapping | undefined {
    const mapping = this.mappings.get(device);
    return mapping?.monitored ? mapping : undefined;
  }

  private channelsOf(device: string): TrackedChannel[] {
    return this.channels.ofDevice(device);
  }

  private devicesOf(user: string): string[] {
    return this.monitoredDevicesByUser.get(user) ?? [];
  }

  private computeDeviceState(device: string): DeviceState {
    if (!this.monitoredMapping(device)) return 'idle';
    const channels = this.channelsOf(device);
    if (channels.length === 0) return this.reported.get(device) ?? 'idle';
    return strongestState(channels.map(channelDeviceState));
  }

  private callsOf(user: string): UserCall[] {
    const calls: UserCall[] = [];
    for (const c of this.devicesOf(user).flatMap((device) => this.channels.ofDevice(device))) {
      const state = channelDeviceState(c);
      if (state === 'idle') continue;
      const call: UserCall = {
        callID: c.uniqueid, device: c.device, channel: c.channel, state, direction: c.direction, channelState: c.channelState, announced: [...c.announced], startedAt: c.startedAt,
      };
      if (c.answeredAt !== undefined) call.answeredAt = c.answeredAt;
      if (c.otherNum) call.otherNum = c.otherNum;
      if (c.otherName) call.otherName = c.otherName;
      calls.push(call);
    }
    return calls;
  }

  /** Emits the device and user states that differ from what was last published (or only notes them as published). */
  private publish(touchedDevices: Set<string>, touchedUsers = new Set<string>(), { emit } = { emit: true }): void {
    for (const device of touchedDevices) {
      const mapping = this.monitoredMapping(device);
      if (!mapping) continue;
      touchedUsers.add(mapping.user);
      const state = this.computeDeviceState(device);
      if ((this.publishedDevice.get(device) ?? 'idle') === state) continue;
      this.publishedDevice.set(device, state);
      if (emit) this.emit('deviceState', { device, user: mapping.user, state });
    }
    for (const user of touchedUsers) {
      const state = this.userPhoneState(user);
      const key = JSON.stringify([state.onPhone, state.state, state.dnd === true, state.calls.map((c) => [c.callID, c.state, c.announced, c.answeredAt ?? null]), state.devices]);
      if ((this.publishedUser.get(user) ?? IDLE_USER_KEY) === key) continue;
      if (key !== IDLE_USER_KEY) this.publishedUser.set(user, key);
      else this.publishedUser.delete(user);
      if (emit) this.emit('userPhoneState', state);
    }
  }
}

function endedCall(tracked: TrackedChannel, user: string, endedAt: number): EndedCall {
  const call: EndedCall = { callID: tracked.uniqueid, user, device: tracked.device, direction: tracked.direction, startedAt: tracked.startedAt, endedAt };
  if (tracked.otherNum) call.otherNum = tracked.otherNum;
  if (tracked.otherName) call.otherName = tracked.otherName;
  if (tracked.answeredAt !== undefined) call.answeredAt = tracked.answeredAt;
  return call;
}
