/**
 * XEP-0012 Last Activity. The server answers `jabber:iq:last` for its users: how many seconds
 * ago their last resource went offline, with the status of that unavailable presence (0 while
 * one is connected), to the users themselves and to contacts subscribed to their presence. To
 * the server's own address it answers how long this node has been running. The last logout is
 * kept in the database, so every node of a cluster answers the same.
 */
import type { Element } from 'ltx';
import { z } from 'zod';
import { definePlugin, HttpError, StanzaError, type PluginSession } from '@asterisk-im/server-core';
import { LAST_NS, activityOf, answerAccountQuery, answerServerQuery, type ActivityDeps } from './last-activity';
import { LastLogoutStore, MIGRATIONS } from './last-logout-store';

export { LAST_NS } from './last-activity';

const configSchema = z
  .object({
    /** Whether the status text of the last unavailable presence is part of the answer. */
    shareStatus: z.boolean().default(true),
    /** Whether the server's address answers with its uptime. */
    serverUptime: z.boolean().default(true),
  })
  .strict();

const USERNAME = /^[^@/\s]{1,1023}$/;

export const plugin = definePlugin({
  name: 'last-activity',
  version: '0.1.0',
  description: 'XEP-0012 Last Activity: when a user was last online, and the server uptime',
  configSchema,
  migrations: MIGRATIONS,

  start(ctx) {
    const startedAt = Date.now();
    const store = new LastLogoutStore(ctx.db);
    const deps: ActivityDeps = { store, users: ctx.users, resourcesOf: ctx.router.resourcesOf, domain: ctx.domain, now: Date.now };
    const queries = ctx.metrics.counter({ name: 'aim_last_activity_queries_total', help: 'Last activity queries answered, by outcome', labelNames: ['outcome'] as const });
    // The status a session went offline with: its unavailable presence comes before its end.
    const goodbyes = new Map<PluginSession, string | null>();

    ctx.events.on('presenceChanged', (session, presence: Element) => {
      if (presence.attrs.type === 'unavailable') goodbyes.set(session, presence.getChildText('status'));
    });
    // Every session's end is written, not only the one that looks last: in a cluster the route
    // table may still show a resource that just ended on another node. While a resource is bound
    // the answer is 0 seconds anyway, so what counts is the latest end once none is left.
    ctx.events.on('sessionDestroyed', async (session) => {
      const status = goodbyes.get(session) ?? null;
      goodbyes.delete(session);
      await store.record({ username: session.username, at: Date.now(), status });
    });

    ctx.iq.register('account', LAST_NS, async ({ iq, from, to }) => {
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'ask for last activity with an IQ get');
      try {
        const answer = await answerAccountQuery(deps, from, to, ctx.config.value.shareStatus);
        queries.inc({ outcome: 'answered' });
        return answer;
      } catch (err) {
        queries.inc({ outcome: err instanceof StanzaError ? err.condition : 'failed' });
        throw err;
      }
    });
    ctx.iq.register('server', LAST_NS, ({ iq }) => {
      if (!ctx.config.value.serverUptime) throw new StanzaError('service-unavailable');
      if (iq.attrs.type !== 'get') throw new StanzaError('bad-request', 'ask for the uptime with an IQ get');
      queries.inc({ outcome: 'uptime' });
      return answerServerQuery(Date.now(), startedAt);
    });
    ctx.disco.addFeature(LAST_NS);

    ctx.admin.route('GET', '/users/:username', async ({ params }) => {
      const username = params.username.toLowerCase();
      if (!USERNAME.test(username)) throw new HttpError(400, 'invalid-username', `not a username: ${params.username}`);
      if (!(await ctx.users.exists(username))) throw new HttpError(404, 'not-found', `no user named ${username}`);
      const activity = await activityOf(deps, username);
      if (activity.kind !== 'offline') return { username, online: activity.kind === 'online', lastLogout: null, status: null };
      return { username, online: false, lastLogout: new Date(activity.logout.at).toISOString(), status: activity.logout.status };
    });
    ctx.admin.route('DELETE', '/users/:username', async ({ params }) => {
      const forgotten = await store.forget(params.username.toLowerCase());
      if (!forgotten) throw new HttpError(404, 'not-found', `no last activity is kept for ${params.username}`);
    });
  },
});

export default plugin;
