export { ClientStream } from './client-stream';
export type { ClientStreamOptions, BoundSession, StreamHost } from './client-stream';
export { StreamError, streamErrorElement } from './stream-errors';
export type { StreamErrorCondition } from './stream-errors';
export type { SaslAuthenticator, SaslExchange, SaslStep, SaslCondition } from './sasl-types';
