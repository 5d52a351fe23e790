/**
 * Test plugin: an XEP-0357 app server at `push.<domain>`. It accepts every pubsub publish and
 * relays what it got, as a headline to `observer`, so a test sees each notification the
 * server sent it.
 */
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export const PUSH_RECORDER_NS = 'urn:test:push-recorder';

export default definePlugin({
  name: 'push-recorder',
  version: '1.0.0',
  configSchema: z.object({ observer: z.string() }).strict(),
  start(ctx) {
    const component = ctx.components.register('push', {
      name: 'Test push app server',
      iq: {
        'http://jabber.org/protocol/pubsub': ({ iq, payload, from }) => {
          const record = new Element('message', { to: ctx.config.value.observer, type: 'headline' });
          record.c('recorded', { xmlns: PUSH_RECORDER_NS, from: from.full, type: String(iq.attrs.type) }).cnode(payload);
          void component.send(record);
        },
      },
    });
  },
});
