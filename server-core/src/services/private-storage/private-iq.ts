import { Element } from 'ltx';
import { StanzaError } from '../../xml';
import type { IqRequest } from '../../routing';
import type { PrivateStorageService } from './private-storage-service';

export const PRIVATE_NS = 'jabber:iq:private';

/**
 * XEP-0049: `<query xmlns='jabber:iq:private'/>` to the user's own account. A get names one
 * element (by name and namespace) and answers it as stored, or empty; a set stores each child
 * element under its namespace, replacing what was there.
 */
export function privateIqHandler(service: PrivateStorageService) {
  return async ({ iq, payload, from, to }: IqRequest): Promise<Element | void> => {
    if (payload.name !== 'query') throw new StanzaError('bad-request', 'expected a <query/> element');
    if (from.bare !== to.bare) throw new StanzaError('forbidden', "private storage is for the account's owner only");
    const elements = payload.getChildElements();
    if (elements.length === 0) throw new StanzaError('bad-request', 'name the element to get or store inside <query/>');
    for (const element of elements) checkNamespace(element);
    if (iq.attrs.type === 'get') {
      if (elements.length !== 1) throw new StanzaError('not-acceptable', 'a private storage get names exactly one element');
      const wanted = elements[0]!;
      const stored = await service.get(to.bare, String(wanted.attrs.xmlns));
      const result = new Element('query', { xmlns: PRIVATE_NS });
      result.cnode(stored ?? new Element(wanted.name, { xmlns: wanted.attrs.xmlns }));
      return result;
    }
    for (const element of elements) service.checkSize(element);
    for (const element of elements) await service.set(to.bare, element);
  };
}

/** XEP-0049 section 3: the element has a namespace of its own, and not one of XMPP's own (jabber:*). */
function checkNamespace(element: Element): void {
  const namespace = element.attrs.xmlns as string | undefined;
  if (!namespace || namespace === PRIVATE_NS) throw new StanzaError('not-acceptable', 'a private storage element has a namespace of its own');
  if (namespace.startsWith('jabber:')) throw new StanzaError('not-acceptable', `jabber:* namespaces such as ${namespace} are not private storage`);
}
