import { Element } from 'ltx';
import { z } from 'zod';
import { NS } from '../../xml';
import { defineCoreModule } from '../../plugins/core-module';
import { ClientSession } from '../../session';
import { HeldStanzas } from './held-stanzas';

const csiConfigSchema = z
  .object({
    /** Stanzas held per inactive session; one more flushes them all. */
    maxHeldStanzas: z.number().int().min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(100),
  })
  .strict();

export type CsiConfig = z.infer<typeof csiConfigSchema>;

/** What other modules may ask of client states (XEP-0357 push notifies inactive sessions). */
export interface ClientStates {
  /** True while the session's client said `<inactive/>` last. */
  isInactive(session: ClientSession): boolean;
}

declare module '../../core/service-registry' {
  interface ServiceMap {
    /** XEP-0352: which sessions are inactive. */
    csi: ClientStates;
  }
}

/**
 * XEP-0352 Client State Indication: a client that says it is `<inactive/>` (a phone app in
 * the background) is spared presence churn and chat states until it is `<active/>` again,
 * while messages a person reads still arrive at once.
 */
export default defineCoreModule<CsiConfig>({
  name: 'csi',
  description: 'XEP-0352 Client State Indication',
  configSchema: csiConfigSchema,
  provides: ['csi'],
  start(ctx) {
    const states = new Map<ClientSession, HeldStanzas>();
    const maxHeld = () => ctx.config.value.maxHeldStanzas;
    ctx.provide('csi', { isInactive: (session) => states.get(session)?.isInactive ?? false });

    ctx.streamFeatures.add({
      name: 'csi',
      offeredIn: 'post-auth',
      advertise: () => new Element('csi', { xmlns: NS.CSI }),
      handledIn: 'bound',
      handles: (element) => element.attrs.xmlns === NS.CSI && (element.name === 'active' || element.name === 'inactive'),
      handle(element, stream) {
        const session = stream.session;
        if (!(session instanceof ClientSession)) return;
        let state = states.get(session);
        if (!state) {
          if (element.name === 'active') return; // active is where every session starts
          states.set(session, (state = new HeldStanzas(session, maxHeld)));
        }
        state.setInactive(element.name === 'inactive');
        ctx.logger.debug({ jid: session.fullJid, state: element.name }, 'client state');
      },
    });

    ctx.events.on('sessionDestroyed', (session) => {
      states.get(session)?.remove();
      states.delete(session);
    });

    ctx.onStop(() => {
      for (const state of states.values()) state.remove();
      states.clear();
    });
  },

  // The bound is read when used; a change applies without a restart (which would flush everything held).
  reconfigure(ctx, next) {
    ctx.logger.info({ config: next }, 'client state indication settings changed');
  },
});
