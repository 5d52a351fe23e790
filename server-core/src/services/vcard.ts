import { Element } from 'ltx';
import { NS, StanzaError, parseXml } from '../xml';
import type { IqRequest } from '../routing';
import type { CoreContext } from '../core/core-context';
import { limitError } from '../core/limit-error';

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
    const size = Buffer.byteLength(xml, 'utf8');
    if (size > ctx.limits.maxVCardBytes) throw limitError('not-acceptable', `this vCard has ${size} bytes, more than an account may store`, ctx.limits, 'maxVCardBytes');
    await ctx.stores.vcards.set(to.local!, xml);
  });
}
