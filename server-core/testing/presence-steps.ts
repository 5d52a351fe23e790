/**
 * Steps the roster, subscription and presence tests share, on top of the service test world.
 * Test support only; nothing in the server imports it.
 */
import type { Element } from 'ltx';
import { roundTrip, xml, type TestClient, type World } from './world';

const ROSTER = 'jabber:iq:roster';

export const bare = (jid: string) => jid.split('/')[0];

export async function getRoster(client: TestClient, ver?: string): Promise<Element> {
  const query = xml('query', ver === undefined ? { xmlns: ROSTER } : { xmlns: ROSTER, ver });
  return client.iq(xml('iq', { type: 'get' }, query));
}

export function rosterItems(result: Element): Element[] {
  return result.getChild('query', ROSTER)?.getChildren('item') ?? [];
}

export function setRosterItem(client: TestClient, jid: string, attrs: Record<string, string> = {}, groups: string[] = []): Promise<Element> {
  const item = xml('item', { jid, ...attrs }, ...groups.map((g) => xml('group', {}, g)));
  return client.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: ROSTER }, item)));
}

/** A roster push for `jid` whose item satisfies `check`. */
export const rosterPush = (jid: string, check: (item: Element) => boolean = () => true) => (stanza: Element) => {
  if (!stanza.is('iq') || stanza.attrs.type !== 'set') return false;
  const item = stanza.getChild('query', ROSTER)?.getChild('item');
  return item?.attrs.jid === jid && check(item);
};

export const presenceOf = (from: string, type?: string) => (stanza: Element) =>
  stanza.is('presence') && (stanza.attrs.from === from || bare(String(stanza.attrs.from)) === from) && stanza.attrs.type === type;

export function presence(type: string | undefined, to?: string, ...children: Element[]): Element {
  const attrs: Record<string, string> = {};
  if (type) attrs.type = type;
  if (to) attrs.to = to;
  return xml('presence', attrs, ...children);
}

/** Logs in without sending presence and asks for the roster: an interested, unavailable resource. */
export async function rosterOnly(world: World, user: string, resource: string): Promise<TestClient> {
  const client = await world.online(user, resource, { priority: null });
  await getRoster(client);
  return client;
}

/** `a` and `b` (both online and available) subscribe to each other; ends with `both` on both rosters. */
export async function mutualSubscription(world: Pick<World, 'domain'>, a: TestClient, b: TestClient): Promise<void> {
  const [aBare, bBare] = [bare(a.jid), bare(b.jid)];
  await a.send(presence('subscribe', bBare));
  await b.waitFor(presenceOf(aBare, 'subscribe'));
  await b.send(presence('subscribed', aBare));
  await b.send(presence('subscribe', aBare));
  await a.waitFor(presenceOf(bBare, 'subscribe'));
  await a.send(presence('subscribed', bBare));
  await roundTrip(a, world.domain);
  await roundTrip(b, world.domain);
}
