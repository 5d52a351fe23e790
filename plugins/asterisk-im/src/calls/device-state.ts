/** What a device is doing, as the plugin shows it. */
export type DeviceState = 'idle' | 'ringing' | 'on-call' | 'on-hold';

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
 * on a call. Unknown words (UNAVAILABLE, INVALID, UNKNOWN, NOT_INUSE) are idle,
 * so a device never stays busy because of a state we did not expect.
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
    default:
      return 'idle';
  }
}

/** States a device reports that prove it has no call at all. */
export function isIdleAsteriskState(state: string): boolean {
  return deviceStateFromAsterisk(state) === 'idle';
}

const PRIORITY: Record<DeviceState, number> = { idle: 0, ringing: 1, 'on-hold': 2, 'on-call': 3 };

/** The state of a device with several calls: an active call outweighs a held one, which outweighs ringing. */
export function strongestState(states: Iterable<DeviceState>): DeviceState {
  let strongest: DeviceState = 'idle';
  for (const state of states) if (PRIORITY[state] > PRIORITY[strongest]) strongest = state;
  return strongest;
}

/** Whether a device state makes its user "on the phone". */
export function isBusyState(state: DeviceState, ringingIsBusy: boolean): boolean {
  return state === 'on-call' || state === 'on-hold' || (ringingIsBusy && state === 'ringing');
}
