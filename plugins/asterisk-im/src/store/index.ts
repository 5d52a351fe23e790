export { SqlPhoneStore, info as serverInfo } from './phone-store';
export type { PhoneStoreDeps } from './phone-store';
export { STORE_MIGRATIONS } from './migrations';
export { PhoneStoreError, PHONE_VISIBILITIES, isPhoneVisibility } from './types';
export type * from './types';
export { DEFAULT_SETTINGS, settingsSchema } from './validation';
