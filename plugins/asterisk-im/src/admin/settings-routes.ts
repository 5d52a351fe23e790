import type { AsteriskImRuntime } from '../runtime';
import { settingsSchema } from '../store/validation';
import { parseBody, storeChange } from './admin-errors';

/** Settings apply cluster-wide at once; a PUT changes only the fields it names. */
export function registerSettingsRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store } = runtime;
  ctx.admin.route('GET', '/settings', () => runtime.settings());
  ctx.admin.route('PUT', '/settings', async ({ body }) => {
    const patch = parseBody(settingsSchema.partial().strict(), body);
    await storeChange(() => store.settings.update(patch));
    return runtime.settings();
  });
}
