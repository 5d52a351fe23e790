/** XEP-0049 Private XML Storage as a core module (see module.ts). */
export { default as privateStorageModule } from './module';
export type { PrivateStorage, PrivateNamespaceBackend } from './private-storage-api';
