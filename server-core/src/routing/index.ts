export { InterceptorChain } from './packet-interceptors';
export type { PacketInterceptor, InterceptorContext, InterceptorVerdict, InterceptOutcome } from './packet-interceptors';
export { IqHandlers } from './iq-handlers';
export type { IqHandler, IqRequest, IqScope } from './iq-handlers';
export { StanzaRouter } from './stanza-router';
export type { ComponentHandler, RemoteDomainHandler, UserDelivery, RouterDeps } from './stanza-router';
