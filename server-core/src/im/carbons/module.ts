import { defineCoreModule } from '../../plugins/core-module';
import { createCarbons } from '../carbons';
import type { Carbons } from '../carbons';

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0280 `<received/>` copies. */
    carbons: Pick<Carbons, 'copyReceived'>;
  }
}

/** XEP-0280 Message Carbons; provides the `<received/>` copies to the message module. */
export default defineCoreModule({
  name: 'carbons',
  description: 'XEP-0280 Message Carbons',
  provides: ['carbons'],
  start(ctx) {
    const carbons = createCarbons(ctx.core);
    ctx.onStop(() => carbons.dispose());
    ctx.provide('carbons', carbons);
  },
});
