import { Element } from 'ltx';
import { StanzaError, type Jid, type PluginUsers } from '@asterisk-im/server-core';
import type { LastLogout, LastLogoutStore } from './last-logout-store';

export const LAST_NS = 'jabber:iq:last';

/** What is known of a user's last activity, as the admin route and the IQ answer it. */
export type Activity = { kind: 'online' } | { kind: 'offline'; logout: LastLogout } | { kind: 'unknown' };

export interface ActivityDeps {
  store: LastLogoutStore;
  users: PluginUsers;
  /** Full JIDs of the user's resources bound on any node. */
  resourcesOf(bareJid: string): string[];
  domain: string;
  now(): number;
}

export async function activityOf(deps: ActivityDeps, username: string): Promise<Activity> {
  if (deps.resourcesOf(`${username}@${deps.domain}`).length > 0) return { kind: 'online' };
  const logout = await deps.store.get(username);
  return logout ? { kind: 'offline', logout } : { kind: 'unknown' };
}

const secondsSince = (now: number, at: number) => String(Math.max(0, Math.floor((now - at) / 1000)));

/**
 * XEP-0012 section 4, a query to an account: answered by the server for the user, to the
 * user itself and to contacts allowed to see the user's presence; others learn nothing, not
 * even whether the account exists.
 */
export async function answerAccountQuery(deps: ActivityDeps, from: Jid, to: Jid, shareStatus: boolean): Promise<Element> {
  const username = to.local!;
  if (!(await deps.users.exists(username))) throw new StanzaError('service-unavailable');
  if (!(await deps.users.seesPresenceOf(username, from.bare))) throw new StanzaError('forbidden', 'only contacts subscribed to this user\'s presence may ask');
  const activity = await activityOf(deps, username);
  if (activity.kind === 'unknown') throw new StanzaError('item-not-found', 'no logout of this user is known yet');
  if (activity.kind === 'online') return new Element('query', { xmlns: LAST_NS, seconds: '0' });
  const query = new Element('query', { xmlns: LAST_NS, seconds: secondsSince(deps.now(), activity.logout.at) });
  if (shareStatus && activity.logout.status) query.t(activity.logout.status);
  return query;
}

/** XEP-0012 section 5, a query to the server: how long it has been running. */
export function answerServerQuery(now: number, startedAt: number): Element {
  return new Element('query', { xmlns: LAST_NS, seconds: secondsSince(now, startedAt) });
}
