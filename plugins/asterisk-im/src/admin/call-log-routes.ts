import { HttpError } from '@asterisk-im/server-core';
import { UnknownCursorError } from '../calllog/call-log-store';
import type { AsteriskImRuntime } from '../runtime';
import { deviceFields } from '../store/validation';

/**
 * `GET /users/:jid/calls?max=20&before=<id>`: a user's call log, newest first, for admins (the
 * console's call log section). Paged like the IQ: `before` is the `id` of the oldest call shown.
 */
export function registerCallLogRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, callLog } = runtime;
  ctx.admin.route('GET', '/users/:jid/calls', async ({ params, query }) => {
    const user = deviceFields.user.safeParse(params.jid);
    if (!user.success) throw new HttpError(400, 'invalid-query', 'jid: must be a bare JID (user@domain)', 'jid');
    const maxText = query.get('max');
    const max = maxText === null ? 20 : Number(maxText);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new HttpError(400, 'invalid-query', 'max: must be a whole number from 1 to 100', 'max');
    const before = query.get('before') || undefined;
    try {
      const page = await callLog.page(user.data, { max, before });
      return {
        user: user.data,
        complete: page.complete,
        calls: page.calls.map((c) => ({
          id: c.id, device: c.device, direction: c.direction, number: c.number, name: c.name,
          start: new Date(c.startedAt).toISOString(), end: new Date(c.endedAt).toISOString(), answered: c.answered, durationSeconds: c.durationSeconds,
        })),
      };
    } catch (error) {
      if (error instanceof UnknownCursorError) throw new HttpError(404, 'not-found', `before: ${error.message}`, 'before');
      throw error;
    }
  });
}
