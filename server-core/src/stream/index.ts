export { ClientStream } from './client-stream';
export type { ClientStreamOptions, BoundSession, StreamHost, StreamEndCause } from './client-stream';
export { StreamError, streamErrorElement } from './stream-errors';
export type { StreamErrorCondition } from './stream-errors';
export type { SaslAuthenticator, SaslExchange, SaslStep, SaslCondition } from './sasl-types';
export { StreamFeatures } from './stream-features';
export type { StreamFeature, FeatureStream, StreamPhase } from './stream-features';
export { addCoreStreamFeatures } from './core-stream-features';
export type { CoreStreamFeatureOptions } from './core-stream-features';
