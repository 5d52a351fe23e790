/** Test plugin: hands its context to the test, and records what its interceptor and events see. */
import type { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin, type PluginContext, type PluginSession } from '@asterisk-im/server-core';

/** Read by tests (one module instance per test file): the context on each node, what reached the plugin. */
export const probe = {
  contexts: new Map<string, PluginContext>(),
  /** Status texts of the broadcast presence this plugin's interceptor saw. */
  intercepted: [] as string[],
  /** Sessions as `sessionAvailable` handed them over. */
  available: [] as PluginSession[],
};

const statusOf = (stanza: Element) => stanza.getChildText('status') ?? '';

export default definePlugin({
  name: 'session-verbs',
  version: '1.0.0',
  configSchema: z.object({}).strict(),
  start(ctx) {
    probe.contexts.set(ctx.nodeId, ctx);
    ctx.onStop(() => probe.contexts.delete(ctx.nodeId));
    ctx.interceptors.add({
      name: 'watch-presence',
      direction: 'incoming',
      intercept(stanza, { processed }) {
        if (!processed && stanza.name === 'presence' && stanza.attrs.to === undefined) probe.intercepted.push(statusOf(stanza));
      },
    });
    ctx.events.on('sessionAvailable', (session) => void probe.available.push(session));
  },
});
