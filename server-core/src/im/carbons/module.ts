import { defineCoreModule } from '../../plugins/core-module';
import { createCarbons } from '../carbons';

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
