import { NS, StanzaError } from '../../xml';
import type { IqRequest } from '../../routing';
import { defineCoreModule } from '../../plugins/core-module';

/** XEP-0199: the server answers pings to itself and, on the account's behalf, to a bare JID. */
export default defineCoreModule({
  name: 'ping',
  description: 'XEP-0199 XMPP Ping',
  start(ctx) {
    const pong = ({ iq }: IqRequest): void => {
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'a ping is an IQ get');
    };
    ctx.iq.register('server', NS.PING, pong);
    ctx.iq.register('account', NS.PING, pong);
    ctx.disco.addFeature(NS.PING);
  },
});
