/**
 * The server's own XEP services, each a core module: service discovery, ping, software
 * version, vcard-temp, blocking, entity capabilities, personal eventing (PEP), the legacy
 * session IQ, stream management and client state indication.
 */
export { addDiscoFeatures } from '../core/disco-features';
export { readServerVersion, SERVER_NAME } from '../core/server-version';
export { blockingModule } from './blocking';
export { capsModule } from './caps';
export { pepModule } from './pep';
export { default as discoModule } from './disco/module';
export { default as pingModule } from './ping/module';
export { default as versionModule } from './version/module';
export { default as vcardModule } from './vcard/module';
export { default as sessionModule } from './session/module';
export { streamManagementModule } from './stream-management';
export { csiModule } from './csi';
