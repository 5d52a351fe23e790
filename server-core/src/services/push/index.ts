export { default as pushModule } from './module';
export { PUSH_NS } from './push-notification';
