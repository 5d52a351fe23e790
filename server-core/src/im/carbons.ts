import type { Element } from 'ltx';
import { NS, StanzaError, bareOf } from '../xml';
import type { IqRequest, InterceptorContext } from '../routing';
import type { ClientSession } from '../session';
import type { CoreContext } from '../core/core-context';
import { Scope } from '../lifecycle/scope';
import { addDiscoFeatures } from '../core/disco-features';
import { CarbonsEnabledResources } from './carbons-enabled-resources';
import { carbonCopy } from './carbons-copy';
import { isCarbonEligible } from './carbons-eligibility';

export interface Carbons {
  /** The owner got `message` on `deliveredTo`: copy it to the owner's other carbons-enabled resources. */
  copyReceived(message: Element, ownerBareJid: string, deliveredTo: readonly string[]): void;
  dispose(): Promise<void>;
}

/** Runs after the session's own stanza was routed, so a message the interceptors refused is never copied. */
const SENT_INTERCEPTOR_PRIORITY = 0;

/**
 * XEP-0280 Message Carbons (urn:xmpp:carbons:2): the enable/disable IQ, `<sent/>` copies of
 * what a user sends (an incoming-stanza interceptor after processing) and `<received/>`
 * copies of what the message module delivers.
 */
export function createCarbons(ctx: CoreContext): Carbons {
  const enabled = new CarbonsEnabledResources(ctx);
  const undo = new Scope('module carbons', ctx.logger);

  const toggle = async ({ iq, payload, from, to, session }: IqRequest): Promise<void> => {
    if (iq.attrs.type !== 'set' || (payload.name !== 'enable' && payload.name !== 'disable')) {
      throw new StanzaError('bad-request', 'expected an IQ set with <enable/> or <disable/>');
    }
    if (!session || to.bare !== from.bare) throw new StanzaError('not-allowed', 'carbons are set by the resource itself');
    await (payload.name === 'enable' ? enabled.enable(session) : enabled.disable(session));
  };

  const copySent = (stanza: Element, { session, direction, processed }: InterceptorContext): void => {
    if (!processed || direction !== 'incoming' || stanza.name !== 'message' || !isCarbonEligible(stanza)) return;
    // Messages to the user's own account reach those resources as <received/> copies instead.
    if (bareOf(String(stanza.attrs.to)) === session.bareJid) return;
    for (const full of enabled.resourcesOf(session.bareJid, new Set([session.fullJid]))) {
      ctx.router.deliverToResource(full, carbonCopy('sent', stanza, session.bareJid, full));
    }
  };

  const logFailure = (what: string, session: ClientSession) => (err: unknown) =>
    ctx.logger.error({ err, jid: session.fullJid }, `carbons: could not ${what}`);
  const onCreated = (session: ClientSession) => void enabled.sessionCreated(session).catch(logFailure('reset the carbons state', session));
  const onDestroyed = (session: ClientSession) => void enabled.sessionDestroyed(session).catch(logFailure('clear the carbons state', session));

  undo.own(ctx.iqHandlers.register('account', NS.CARBONS, toggle));
  undo.own(ctx.interceptors.add({ name: 'carbons-sent', priority: SENT_INTERCEPTOR_PRIORITY, intercept: (stanza, context) => copySent(stanza, context) }));
  undo.own(addDiscoFeatures(ctx, [NS.CARBONS]));
  undo.own(ctx.events.on('sessionCreated', onCreated));
  undo.own(ctx.events.on('sessionDestroyed', onDestroyed));
  undo.own(ctx.nodeLost.add('carbons', (lost) => enabled.nodeLost(lost)));

  return {
    copyReceived(message, ownerBareJid, deliveredTo) {
      if (deliveredTo.length === 0 || !isCarbonEligible(message)) return;
      for (const full of enabled.resourcesOf(ownerBareJid, new Set(deliveredTo))) {
        ctx.router.deliverToResource(full, carbonCopy('received', message, ownerBareJid, full));
      }
    },
    dispose: () => undo.dispose(),
  };
}
