/** Test plugin: interceptors that reject, rewrite, throw, and mark their running order. */
import { z } from 'zod';
import { Element } from 'ltx';
import { definePlugin, StanzaError } from '@asterisk-im/server-core';

const bodyOf = (stanza: Element) => (stanza.name === 'message' ? stanza.getChildText('body') : null);

function withBody(stanza: Element, body: string): Element {
  const copy = new Element(stanza.name, { ...stanza.attrs });
  for (const child of stanza.children) if (typeof child !== 'string' && child.name !== 'body') copy.cnode(child);
  copy.c('body').t(body);
  return copy;
}

export default definePlugin({
  name: 'interceptor-probe',
  version: '1.0.0',
  configSchema: z.object({ forbidden: z.string().default('forbidden'), replace: z.string().default('darn'), with: z.string().default('d*rn') }).strict(),
  start(ctx) {
    const { forbidden, replace, with: replacement } = ctx.config.value;
    ctx.interceptors.add({
      name: 'thrower',
      priority: 100,
      direction: 'incoming',
      intercept(stanza) {
        if (bodyOf(stanza)?.includes('boom')) throw new Error('interceptor bug');
      },
    });
    ctx.interceptors.add({
      name: 'reject',
      priority: 50,
      direction: 'incoming',
      intercept(stanza, context) {
        if (!context.processed && bodyOf(stanza)?.includes(forbidden)) return { reject: new StanzaError('policy-violation', 'that word is not allowed') };
      },
    });
    ctx.interceptors.add({
      name: 'rewrite',
      priority: 40,
      direction: 'incoming',
      intercept(stanza, context) {
        const body = bodyOf(stanza);
        if (!context.processed && body?.includes(replace)) return { rewrite: withBody(stanza, body.split(replace).join(replacement)) };
      },
    });
    // Registered low first: the chain must still run the higher priority first.
    for (const [mark, priority] of [['low', 1], ['high', 2]] as const) {
      ctx.interceptors.add({
        name: `order-${mark}`,
        priority,
        direction: 'incoming',
        intercept(stanza, context) {
          const body = bodyOf(stanza);
          if (!context.processed && body?.startsWith('order')) return { rewrite: withBody(stanza, `${body} ${mark}`) };
        },
      });
    }
  },
});
