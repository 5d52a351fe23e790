/**
 * A component at `echo.<domain>`: every chat or normal message sent to it (or to any address
 * at it) comes back with the same body. It answers service discovery and pings.
 */
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin, NS } from '@asterisk-im/server-core';

const configSchema = z
  .object({
    /** Put in front of every echoed body, e.g. "echo: ". */
    prefix: z.string().max(100, 'must be at most 100 characters').default(''),
    /** The component's address: a subdomain label or a full domain. */
    address: z.string().min(1, 'must not be empty').default('echo'),
  })
  .strict();

export const plugin = definePlugin({
  name: 'echo-component',
  version: '0.1.0',
  description: 'Echoes messages sent to echo.<domain>',
  configSchema,

  start(ctx) {
    const echo = ctx.components.register(ctx.config.value.address, {
      name: 'Echo service',
      identities: [{ category: 'component', type: 'generic', name: 'Echo service' }],
      features: [NS.PING],
      iq: {
        [NS.PING]: () => undefined,
      },
      async message(stanza, from, to) {
        if (stanza.attrs.type === 'error' || stanza.attrs.type === 'groupchat') return;
        const body = stanza.getChildText('body');
        if (body === null) return;
        const reply = new Element('message', { to: from.full, from: to.full, type: stanza.attrs.type ?? 'normal' });
        if (stanza.attrs.id) reply.attrs.id = stanza.attrs.id;
        reply.c('body').t(`${ctx.config.value.prefix}${body}`);
        await echo.send(reply);
      },
    });
  },
});

export default plugin;
