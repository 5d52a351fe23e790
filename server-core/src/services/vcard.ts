import { Element } from 'ltx';
import { NS, StanzaError, parseXml } from '../xml';
import type { IqRequest } from '../routing';
import type { CoreContext } from '../server/core-context';

/** Large enough for a photo a client would put in a vCard, small enough to keep rows sane. */
export const MAX_VCARD_BYTES = 192 * 1024;

/**
 * XEP-0054 vcard-temp: anyone may read a user's vCard (an empty one when none is stored);
 * only the user may replace it.
 */
export function registerVCard(ctx: CoreContext): () => void {
  return ctx.iqHandlers.register('account', NS.VCARD, async ({ iq, payload, from, to }: IqRequest): Promise<Element | void> => {
    if (payload.name !== 'vCard') throw new StanzaError('bad-request', 'expected a <vCard/> element');
    if (iq.attrs.type === 'get') {
      const stored = await ctx.stores.vcards.get(to.local!);
      return stored ? parseXml(stored) : new Element('vCard', { xmlns: NS.VCARD });
    }
    if (from.bare !== to.bare) throw new StanzaError('forbidden', 'only the owner may change a vCard');
    const xml = payload.toString();
    if (Buffer.byteLength(xml, 'utf8') > MAX_VCARD_BYTES) {
      throw new StanzaError('not-acceptable', `a vCard may be at most ${MAX_VCARD_BYTES} bytes`);
    }
    await ctx.stores.vcards.set(to.local!, xml);
  });
}
