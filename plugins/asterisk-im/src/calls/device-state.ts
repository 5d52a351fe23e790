/**
 * What a device is doing, as the plugin shows it: `dialing` is an outgoing call not answered
 * yet, `unavailable` a phone Asterisk cannot reach (unregistered, or failing qualify).
 */
export type DeviceState = 'idle' | 'unavailable' | 'ringing' | 'dialing' | 'on-hold' | 'on-call';

/** Every device state, weakest first (the order `strongestState` merges by). */
export const DEVICE_STATES: readonly DeviceState[] = ['idle', 'unavailable', 'ringing', 'dialing', 'on-hold', 'on-call'];

/** The states that can make a user "on the phone". */
export type BusyState = Exclude<DeviceState, 'idle' | 'unavailable'>;

/** Asterisk `ChannelState` codes (include/asterisk/channelstate.h). */
export const ChannelState = {
  down: 0,
  reserved: 1,
  offHook: 2,
  dialing: 3,
  ring: 4,
  ringing: 5,
  up: 6,
  busy: 7,
} as const;

/**
 * Maps a `DeviceStateChange` / `DeviceStateList` `State` to a device state.
 * RINGINUSE means a second call rings while one is in progress: the user is
 * on a call. UNAVAILABLE is a phone Asterisk cannot reach. Unknown words
 * (INVALID, UNKNOWN, NOT_INUSE) are idle, so a device never stays busy
 * because of a state we did not expect.
 */
export function deviceStateFromAsterisk(state: string): DeviceState {
  switch (state.trim().toUpperCase()) {
    case 'INUSE':
    case 'BUSY':
    case 'RINGINUSE':
      return 'on-call';
    case 'RINGING':
      return 'ringing';
    case 'ONHOLD':
      return 'on-hold';
    case 'UNAVAILABLE':
      return 'unavailable';
    default:
      return 'idle';
  }
}

/** States a device reports that prove it has no call at all. */
export function isIdleAsteriskState(state: string): boolean {
  const mapped = deviceStateFromAsterisk(state);
  return mapped === 'idle' || mapped === 'unavailable';
}

const PRIORITY = new Map(DEVICE_STATES.map((state, rank) => [state, rank]));

/**
 * The state of a device with several calls, or of a user with several devices: an active call
 * outweighs a held one, which outweighs dialing, then ringing, then an unreachable phone.
 */
export function strongestState(states: Iterable<DeviceState>): DeviceState {
  let strongest: DeviceState = 'idle';
  for (const state of states) if (PRIORITY.get(state)! > PRIORITY.get(strongest)!) strongest = state;
  return strongest;
}

/** Whether a device state makes its user "on the phone". */
export function isBusyState(state: DeviceState, ringingIsBusy: boolean): state is BusyState {
  return state === 'on-call' || state === 'on-hold' || state === 'dialing' || (ringingIsBusy && state === 'ringing');
}
