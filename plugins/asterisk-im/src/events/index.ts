export { PhoneEventDelivery } from './phone-event-delivery';
export { phoneEventMessage } from './phone-event-message';
