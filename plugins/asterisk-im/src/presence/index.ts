export { PhoneStateCache, SYNC_MARK_KEY } from './phone-state-cache';
export type { PhoneStateEntry, SyncMark } from './phone-state-cache';
export { PhonePresenceApplier } from './phone-presence-applier';
export type { PhonePresenceDeps } from './phone-presence-applier';
export { TrappedPresences } from './trapped-presence';
export type { TrappedEntry } from './trapped-presence';
export { UserAvailability } from './user-availability';
export type { SessionAvailability } from './user-availability';
export { PHONE_NS, phonePresence, isPhonePresence, busyStateOf, phoneDisplay } from './phone-presence';
