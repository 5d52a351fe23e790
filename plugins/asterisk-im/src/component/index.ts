export { registerPhoneComponent, PHONE_FEATURE } from './phone-component';
