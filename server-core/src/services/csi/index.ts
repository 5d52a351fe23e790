/** XEP-0352 Client State Indication as a core module. */
export { default as csiModule } from './module';
