/** XEP-0191 Blocking Command as a core module (see module.ts). */
export { default as blockingModule } from './module';
export { matchesBlocklist } from './blocked-jid-match';
