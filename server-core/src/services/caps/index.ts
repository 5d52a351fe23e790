/** XEP-0115 Entity Capabilities as a core module (see module.ts), and its verification helpers. */
export { default as capsModule } from './module';
export type { EntityCaps, FeaturesKnownListener } from '../../core/caps-api';
export type { LocalEntityCaps } from './entity-caps';
export { capsHash, readDiscoInfo, verificationString, IllFormedAnswer } from './caps-verification';
export { MAX_KNOWN_CAPS } from './known-caps';
export { SERVER_CAPS_NODE, serverCapsVer } from './server-caps';
