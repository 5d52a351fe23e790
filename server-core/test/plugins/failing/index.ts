/** Test plugin: registers a few things, then fails to start. */
import { z } from 'zod';
import { definePlugin } from '@asterisk-im/server-core';

export const FAILING_NS = 'urn:test:failing';

export default definePlugin({
  name: 'failing',
  version: '1.0.0',
  configSchema: z.object({}).strict(),
  start(ctx) {
    ctx.interceptors.add({ name: 'doomed', intercept: () => ({ reject: 'drop' }) });
    ctx.iq.register('server', FAILING_NS, () => undefined);
    ctx.components.register('doomed', {});
    ctx.timers.setInterval(() => undefined, 1000);
    throw new Error('cannot reach its backend');
  },
});
