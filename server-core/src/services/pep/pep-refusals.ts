import type { Element } from 'ltx';
import { StanzaError } from '../../xml';
import type { Logger } from '../../log';
import type { IqHandler, IqRequest } from '../../routing';

/**
 * Wraps an IQ handler (PEP's, private storage's) so every refused request leaves one debug line: who asked, of whom,
 * which action (the first element of the payload) on which node, and the condition with its reason. Payloads are never logged:
 * private nodes hold bookmarks, keys and the like.
 */
export function logRefusals(logger: Logger, handler: IqHandler, message = 'PEP request refused'): IqHandler {
  return async (request: IqRequest) => {
    try {
      return await handler(request);
    } catch (err) {
      if (err instanceof StanzaError) logger.debug(describe(request, err), message);
      throw err;
    }
  };
}

/** One debug line for fields of a submitted form this service does not know and ignored. */
export function logIgnoredFields(logger: Logger) {
  return (request: IqRequest, fields: string[]): void => logger.debug({ ...target(request), fields }, 'PEP request: ignored unknown form fields');
}

function describe(request: IqRequest, err: StanzaError): Record<string, unknown> {
  return { ...target(request), condition: err.condition, pubsubCondition: err.appCondition?.name, reason: err.text };
}

function target({ iq, payload, from, to }: IqRequest): Record<string, unknown> {
  const action: Element | undefined = payload.getChildElements()[0];
  return { from: from.full, owner: to.bare, type: iq.attrs.type, namespace: payload.attrs.xmlns, action: action?.name, node: action?.attrs.node };
}
