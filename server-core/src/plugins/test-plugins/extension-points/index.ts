/** Test plugin: uses the extension points (metrics, console pages, ...) the way a real plugin would. */
import { z } from 'zod';
import { definePlugin } from '../../types';

export default definePlugin({
  name: 'extension-points',
  version: '1.0.0',
  configSchema: z.object({}).strict(),
  start(ctx) {
    ctx.metrics.counter({ name: 'aim_extension_points_hits_total', help: 'Test counter of the extension-points plugin' }).inc(3);
    ctx.admin.route('GET', '/hits', () => ({ hits: 3 }));
  },
});
