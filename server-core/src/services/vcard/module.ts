import { Element } from 'ltx';
import { NS, StanzaError, parseXml } from '../../xml';
import { limitError } from '../../core/limit-error';
import { defineCoreModule } from '../../plugins/core-module';
import type { VCardChangedListener, VCardEvents } from './vcard-api';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0054: changes of users' vCards. */
    vcard: VCardEvents;
  }
}

/**
 * XEP-0054 vcard-temp: anyone may read a user's vCard (an empty one when none is stored);
 * only the user may replace it. Other modules hear of each new vCard through the `vcard` service.
 */
export default defineCoreModule({
  name: 'vcard',
  description: 'XEP-0054 vcard-temp',
  provides: ['vcard'],
  start(ctx) {
    const { stores, limits } = ctx.core;
    const listeners = new Set<VCardChangedListener>();
    ctx.provide('vcard', {
      onChanged(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    ctx.iq.register('account', NS.VCARD, async ({ iq, payload, from, to }): Promise<Element | void> => {
      if (payload.name !== 'vCard') throw new StanzaError('bad-request', 'expected a <vCard/> element');
      if (iq.attrs.type === 'get') {
        const stored = await stores.vcards.get(to.local!);
        return stored ? parseXml(stored) : new Element('vCard', { xmlns: NS.VCARD });
      }
      if (from.bare !== to.bare) throw new StanzaError('forbidden', 'only the owner may change a vCard');
      const xml = payload.toString();
      const size = Buffer.byteLength(xml, 'utf8');
      if (size > limits.maxVCardBytes) throw limitError('not-acceptable', `this vCard has ${size} bytes, more than an account may store`, limits, 'maxVCardBytes');
      await stores.vcards.set(to.local!, xml);
      for (const listener of listeners) {
        void Promise.resolve()
          .then(() => listener(to.bare, payload))
          .catch((err: unknown) => ctx.logger.error({ err, owner: to.bare }, 'a vCard listener failed'));
      }
    });
    ctx.disco.addFeature(NS.VCARD);
  },
});
