export { CallTracker } from './call-tracker';
export type {
  CallTrackerEvents,
  CallTrackerOptions,
  DeviceMapping,
  DeviceStateChange,
  EndedCall,
  PhoneEvent,
  UserCall,
  UserPhoneState,
} from './call-tracker';
export type { BusyState, DeviceState } from './device-state';
export { DEVICE_STATES, isBusyState, strongestState } from './device-state';
export type { CallDirection, PhoneEventType } from './tracked-channel';
export { deviceOfChannel, normaliseDeviceName } from './device-name';
