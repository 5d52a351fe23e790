/** Test plugin: depends on the core's `blocking` service and answers, for the asker, whether they block a JID. */
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export const BLOCKING_PROBE_NS = 'urn:test:blocking-probe';

export default definePlugin({
  name: 'blocking-probe',
  version: '1.0.0',
  configSchema: z.object({}).strict(),
  depends: ['blocking'],
  start(ctx) {
    const blocking = ctx.use('blocking');
    ctx.iq.register('server', BLOCKING_PROBE_NS, async ({ payload, from }) => {
      const blocked = await blocking.isBlocked(from.bare, String(payload.attrs.jid));
      return new Element('query', { xmlns: BLOCKING_PROBE_NS, blocked: String(blocked) });
    });
  },
});
