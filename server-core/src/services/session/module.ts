import { NS, StanzaError } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';

/**
 * The RFC 3921 session IQ, gone from RFC 6121 but still sent by older clients: every bound
 * resource already has a session, so the answer is an empty result. The client sends it
 * without `to`, which arrives here addressed to its own bare JID.
 */
export default defineCoreModule({
  name: 'session',
  description: 'RFC 3921 session establishment, for older clients',
  start(ctx) {
    ctx.iq.register('account', NS.SESSION, ({ iq, from, to }): void => {
      if (iq.attrs.type !== 'set') throw new StanzaError('bad-request', 'session establishment is an IQ set');
      if (from.bare !== to.bare) throw new StanzaError('service-unavailable');
    });
  },
});
