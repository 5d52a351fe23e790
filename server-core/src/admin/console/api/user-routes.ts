import { z } from 'zod';
import type { CoreContext } from '../../../core/core-context';
import type { AdminRoute } from '../../admin-routes';
import { StorageError } from '../../../storage/stores';
import { normaliseLocal } from '../../../xml/jid';
import { HttpError } from '../../../http/http-error';
import { parseBody } from '../../../http/json-body';
import type { ConsoleSessions } from '../console-sessions';
import { route } from './route-builder';
import { revocation } from '../../../session';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

const username = z
  .string({ required_error: 'is required', invalid_type_error: 'expected a string' })
  .trim()
  .min(1, 'enter a username')
  .transform((value, ctx) => {
    try {
      return normaliseLocal(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'may not contain spaces or any of " & \' / : < > @' });
      return z.NEVER;
    }
  });
const password = z
  .string({ required_error: 'is required', invalid_type_error: 'expected a string' })
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `use at most ${MAX_PASSWORD_LENGTH} characters`);

const createBody = z.object({ username, password, isAdmin: z.boolean({ invalid_type_error: 'expected true or false' }).optional() }).strict();
const passwordBody = z.object({ password }).strict();

/** Users: list, add, reset password, delete (kicking their sessions), roster view. */
export function userRoutes(core: CoreContext, consoleSessions: ConsoleSessions): AdminRoute[] {
  const accounts = core.stores.accounts;
  const existing = async (name: string) => {
    const account = await accounts.get(name.toLowerCase());
    if (!account) throw new HttpError(404, 'not-found', `no user named ${name}`, 'username');
    return account;
  };
  return [
    route('GET', '/api/users', async () => {
      const users = [];
      for (const name of (await accounts.list()).sort()) {
        const account = await accounts.get(name);
        const jid = `${name}@${core.domain}`;
        users.push({ username: name, jid, isAdmin: Boolean(account?.isAdmin), online: core.routes.resourcesOf(jid).length });
      }
      return { users };
    }),
    route('POST', '/api/users', async ({ body }) => {
      const input = parseBody(createBody, body);
      try {
        await accounts.create(input.username, input.password, { isAdmin: input.isAdmin ?? false });
      } catch (err) {
        if (err instanceof StorageError && err.kind === 'conflict') throw new HttpError(409, 'conflict', `the user ${input.username} exists already`, 'username');
        throw err;
      }
      core.logger.info({ user: input.username, isAdmin: input.isAdmin ?? false }, 'user added from the admin API');
      return { username: input.username, isAdmin: input.isAdmin ?? false };
    }),
    route('PUT', '/api/users/:username/password', async ({ params, body }) => {
      const account = await existing(params.username);
      const input = parseBody(passwordBody, body);
      await accounts.setPassword(account.username, input.password);
      // Whoever logged in with the old password is logged out, on the console and over XMPP.
      await consoleSessions.destroyUser(account.username);
      const ended = await core.sessionEnding.endUser(revocation(account.username, core.domain, 'password-changed'));
      core.logger.info({ user: account.username, endedSessions: ended }, 'password reset from the admin API');
      return { username: account.username };
    }),
    route('DELETE', '/api/users/:username', async ({ params }) => {
      const account = await existing(params.username);
      // Sign-in and XMPP sessions of a deleted account end with it.
      await accounts.delete(account.username);
      await consoleSessions.destroyUser(account.username);
      await core.sessionEnding.endUser(revocation(account.username, core.domain, 'account-deleted'));
      core.logger.info({ user: account.username }, 'user deleted from the admin API');
      return { username: account.username, deleted: true };
    }),
    route('GET', '/api/users/:username/roster', async ({ params }) => {
      const account = await existing(params.username);
      const roster = await core.stores.rosters.get(account.username);
      return {
        username: account.username,
        version: roster.version,
        items: roster.items.map((item) => ({ jid: item.jid, name: item.name, subscription: item.subscription, askOut: item.askOut, pendingIn: item.pendingIn, groups: item.groups })),
      };
    }),
  ];
}
