import { NS, StanzaError } from '../xml';
import type { IqRequest } from '../routing';
import type { CoreContext } from '../core/core-context';
import { Scope } from '../lifecycle/scope';

/** XEP-0199: the server answers pings to itself and, on the account's behalf, to a bare JID. */
export function registerPing(ctx: CoreContext): () => Promise<void> {
  const pong = ({ iq }: IqRequest): void => {
    if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'a ping is an IQ get');
  };
  const undo = new Scope('module ping', ctx.logger);
  undo.own(ctx.iqHandlers.register('server', NS.PING, pong));
  undo.own(ctx.iqHandlers.register('account', NS.PING, pong));
  return () => undo.dispose();
}
