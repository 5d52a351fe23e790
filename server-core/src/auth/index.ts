/** SASL credentials and mechanisms: SCRAM-SHA-1/256 server exchanges and PLAIN parsing. */
export { deriveScramCredential, deriveScramCredentialAsync, saslPrep, passwordMatches, passwordMatchesAsync, SCRAM_HASH } from './scram-credentials';
export type { ScramCredential, ScramHash, ScramMechanism } from './scram-credentials';
export { ScramServerExchange } from './scram-server';
export type { ScramServerOptions } from './scram-server';
export { decodeSaslName, encodeSaslName } from './scram-messages';
export { parsePlainMessage } from './plain';
export type { PlainCredentials } from './plain';
export { authzidAllowed } from './authzid';
export { saslError } from './sasl-failure';
export type { SaslError, SaslFailure } from './sasl-failure';
export { LoginThrottle } from './login-throttle';
export type { LoginThrottleLimits, ThrottleVerdict } from './login-throttle';
