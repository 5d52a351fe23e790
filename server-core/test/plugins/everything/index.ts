/** Test plugin: registers one of everything the context offers, and counts what reaches it. */
import { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export const EVERYTHING_NS = 'urn:test:everything';

/** What reached the plugin, read by tests (one module instance per test file). */
export const probe = { timerFires: 0, messages: 0, tasks: 0, cacheEntries: 0, sessions: 0 };

export default definePlugin({
  name: 'everything',
  version: '1.0.0',
  configSchema: z.object({ label: z.string().min(1, 'must not be empty').default('x'), password: z.string().optional() }).strict(),
  start(ctx) {
    ctx.interceptors.add({ name: 'noop', intercept: () => undefined });
    ctx.iq.register('server', EVERYTHING_NS, () => new Element('query', { xmlns: EVERYTHING_NS }).t(ctx.config.value.label));
    ctx.iq.register('account', EVERYTHING_NS, () => undefined);
    ctx.components.register('everything', { name: 'Everything', features: [EVERYTHING_NS] });
    ctx.disco.addFeature(EVERYTHING_NS);
    ctx.disco.addItem({ jid: `${ctx.domain}`, node: 'everything' });
    ctx.events.on('sessionCreated', () => void probe.sessions++);
    ctx.events.on('presenceChanged', () => undefined);
    ctx.cluster.on('memberJoined', () => undefined);
    ctx.cluster.on('lostSeniority', () => undefined);
    ctx.cluster.createCache('state').on('entry', () => void probe.cacheEntries++);
    ctx.cluster.registerTask('ping', () => void probe.tasks++);
    ctx.cluster.onMessage('note', () => void probe.messages++);
    ctx.timers.setInterval(() => void probe.timerFires++, 60_000);
    ctx.timers.setTimeout(() => void probe.timerFires++, 60_000);
    ctx.admin.route('GET', '/label', () => ({ label: ctx.config.value.label }));
  },
});
