export { parseJid, tryParseJid, makeJid, withResource, bareOf, normaliseLocal, normaliseDomain, normaliseResource, JidError } from './jid';
export type { Jid } from './jid';
export { NS } from './namespaces';
export { XmlStreamParser } from './stream-parser';
export type { XmlFault, XmlLimits, XmlStreamEvents } from './stream-parser';
export { StanzaError, errorReply, iqResult, iqPayload, canReplyWithError, xmlnsOf, refusalFields } from './stanza';
export type { StanzaErrorType, StanzaErrorCondition } from './stanza';
export { Element, clone, parse as parseXml } from 'ltx';
export { appendChildrenInTurns } from './children-in-turns';
