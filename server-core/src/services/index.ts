/**
 * The server's own XEP services, each a core module: service discovery, ping, software
 * version, vcard-temp, blocking, entity capabilities, personal eventing (PEP), private XML
 * storage, the XEP-0402 bookmarks compatibility, the XEP-0398 avatar conversion, XEP-0045
 * multi-user chat, the legacy session IQ, in-band registration (XEP-0077), host-meta
 * (XEP-0156), stream management, client state indication, XEP-0114 external components and
 * server-to-server federation.
 */
export { addDiscoFeatures } from '../core/disco-features';
export { readServerVersion, SERVER_NAME } from '../core/server-version';
export { blockingModule } from './blocking';
export { capsModule } from './caps';
export { pepModule } from './pep';
export { privateStorageModule } from './private-storage';
export { bookmarksModule } from './bookmarks';
export { avatarConversionModule } from './avatar-conversion';
export { uploadModule } from './upload';
export { componentsModule } from './components';
export { pushModule } from './push';
export { default as discoModule } from './disco/module';
export { default as pingModule } from './ping/module';
export { default as versionModule } from './version/module';
export { default as vcardModule } from './vcard/module';
export { default as sessionModule } from './session/module';
export { default as registerModule } from './register/module';
export { default as hostMetaModule } from './host-meta/module';
export { streamManagementModule } from './stream-management';
export { csiModule } from './csi';
export { mucModule } from './muc';
export { s2sModule } from './s2s';
