export { PhoneEventRelay } from './phone-event-relay';
export { phoneEventMessage } from './phone-event-message';
