import { z } from 'zod';
import { HttpError } from '@asterisk-im/server-core';
import type { AsteriskImRuntime } from '../runtime';
import { deviceFields } from '../store/validation';
import { parseBody, storeChange } from './admin-errors';

const privacyBody = z.object({ visibility: z.enum(['contacts', 'nobody']).nullable() }).strict();

/**
 * `GET` / `PUT /users/:jid/privacy`: who sees a user's phone state. `visibility` null puts the
 * user back on the server's `phoneVisibility` setting. Answers `{ user, visibility, chosen }`.
 */
export function registerPrivacyRoutes(runtime: AsteriskImRuntime): void {
  const { ctx, store } = runtime;
  const userOf = (jid: string): string => {
    const user = deviceFields.user.safeParse(jid);
    if (!user.success) throw new HttpError(400, 'invalid-query', 'jid: must be a bare JID (user@domain)', 'jid');
    return user.data;
  };
  const answer = (user: string) => ({ user, visibility: store.privacy.of(user), chosen: store.privacy.chosen(user) });
  ctx.admin.route('GET', '/users/:jid/privacy', ({ params }) => answer(userOf(params.jid!)));
  ctx.admin.route('PUT', '/users/:jid/privacy', async ({ params, body }) => {
    const user = userOf(params.jid!);
    const { visibility } = parseBody(privacyBody, body);
    await storeChange(() => store.privacy.set(user, visibility));
    return answer(user);
  });
}
